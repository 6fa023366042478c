import type { Job } from "pg-boss";
import type { FailureKind, Prisma } from "@/generated/prisma/client";
import type { ModelFormat } from "@/lib/model-formats";
import type { TrainingProgress } from "@/lib/progress";
import { ArtifactTooLargeError, artifacts } from "@/lib/server/artifacts/store";
import { db } from "@/lib/server/db";
import { trainSubmission } from "@/lib/server/queue/jobs";
import { traitsOfArchitecture } from "@/lib/server/services/analytics/traits";
import { ACTIVE_STATUSES, isTerminal } from "@/lib/submission-status";
import {
  type EpochMetrics,
  exportKeras,
  exportOnnx,
  type ProgressEvent,
  packModel,
  runTraining,
  type SavedModel,
  TrainerError,
  UnsupportedLayerError,
} from "@/trainer";
import { loadCheckpoint, removeCheckpoint, saveCheckpoint } from "./checkpoints";
import type { WorkerContext } from "./context";
import { handBack } from "./hand-back";
import { withDbRetry } from "./retry";

/**
 * Why a run was stopped from outside the trainer. "claim-lost": pg-boss says this attempt is no
 * longer ours (it was retried elsewhere after this worker went silent, expired, or cancelled),
 * or the row names another worker: whoever holds it now decides, and this worker writes nothing.
 */
type StopReason = "cancelled" | "time-limit" | "shutdown" | "claim-lost";

/** What the handler returns when the machine, not the submission, failed (the worker goes unhealthy). */
export interface HandedBack {
  handedBack: string;
}

export const isHandedBack = (result: object): result is HandedBack => "handedBack" in result;

/** The trainer's codes for a machine that can't train: the job goes back without using an attempt. */
const MACHINE_FAULTS = new Set(["DATA_UNAVAILABLE", "BACKEND_UNAVAILABLE"]);

/** Thrown to make pg-boss retry the job (it is counted, bounded and backed off by the queue). */
class RequeueError extends Error {}

/** Plain data (numbers, strings, arrays, objects of them) as Prisma's JSON input type. */
const asJson = (value: object) => value as Prisma.InputJsonObject;

const PROGRESS_EVERY_MS = 1000;
const CANCEL_CHECK_EVERY_MS = 2000;

export async function handleTrainSubmission(job: Job<unknown>, ctx: WorkerContext): Promise<object> {
  const payload = trainSubmission.payload.safeParse(job.data);
  if (!payload.success) {
    // Nothing to train and nothing a retry would fix: complete the job and say why in its output.
    console.error(`[worker] job ${job.id}: malformed payload, skipped: ${payload.error.message}`);
    return { skipped: "malformed payload" };
  }
  const { submissionId } = payload.data;

  const claimed = await withDbRetry("claim", () =>
    db.submission.updateMany({
      // RUNNING is claimable too: that is a retry after a worker died holding it.
      where: { id: submissionId, status: { in: [...ACTIVE_STATUSES] }, cancelRequestedAt: null },
      data: {
        status: "RUNNING",
        startedAt: new Date(),
        attempts: { increment: 1 },
        workerId: ctx.workerId,
        progress: { phase: "starting" },
      },
    }),
  );
  if (claimed.count === 0) return finishWithoutTraining(submissionId);

  const submission = await db.submission.findUniqueOrThrow({
    where: { id: submissionId },
    select: { architecture: true, training: true, attempts: true },
  });
  // An earlier attempt's last checkpoint (a worker that died or was stopped): training goes on after it.
  const resume = await loadCheckpoint(submissionId);

  const controller = new AbortController();
  let stopReason: StopReason | null = null;
  const stop = (reason: StopReason) => {
    if (!stopReason) {
      stopReason = reason;
      controller.abort(reason);
    }
  };
  const unwatch = ctx.listener.watch(submissionId, () => stop("cancelled"));
  const onShutdown = () => stop("shutdown");
  ctx.shutdown.addEventListener("abort", onShutdown);
  const onJobAbort = () => stop("claim-lost");
  job.signal.addEventListener("abort", onJobAbort);
  const timeLimit = setTimeout(() => stop("time-limit"), ctx.limits.maxTrainSeconds * 1000);
  // Backstop for a missed NOTIFY (listener reconnecting): look at the row every few seconds.
  const cancelPoll = setInterval(() => {
    db.submission
      .findUnique({ where: { id: submissionId }, select: { cancelRequestedAt: true, status: true, workerId: true } })
      .then((row) => {
        if (row && row.status === "RUNNING" && row.workerId !== ctx.workerId) stop("claim-lost");
        else if (!row || row.cancelRequestedAt || row.status !== "RUNNING") stop("cancelled");
      })
      .catch(() => undefined);
  }, CANCEL_CHECK_EVERY_MS);

  const history: EpochMetrics[] = [];
  let resumedAfterEpoch: number | undefined;
  let lastWrite = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const writeProgress = (progress: Omit<TrainingProgress, "history" | "updatedAt">, force = false) => {
    const now = Date.now();
    if (!force && now - lastWrite < PROGRESS_EVERY_MS) return;
    lastWrite = now;
    // Progress is advisory: a failed write (database blip) must not fail the training.
    writing = writing
      .then(() =>
        db.submission.updateMany({
          where: { id: submissionId, status: "RUNNING", workerId: ctx.workerId },
          data: {
            progress: asJson({ ...progress, history, resumedAfterEpoch, updatedAt: new Date().toISOString() }),
          },
        }),
      )
      .catch(() => undefined);
  };

  try {
    const data = await ctx.data();
    const maxEpochs = (submission.training as { maxEpochs?: number }).maxEpochs ?? null;
    writeProgress({ phase: "training", epoch: 0, maxEpochs }, true);
    const outcome = await runTraining({
      architecture: submission.architecture,
      training: submission.training,
      data,
      signal: controller.signal,
      limits: { maxParams: ctx.limits.maxParams, maxFlops: ctx.limits.maxFlops },
      onProgress: (p: ProgressEvent) =>
        writeProgress({
          phase: "training",
          epoch: p.epoch,
          maxEpochs,
          batch: p.batch,
          batches: p.batches,
          samplesPerSec: p.samplesPerSec,
          loss: p.loss,
        }),
      checkpoint: {
        resume,
        minIntervalMs: ctx.limits.checkpointSeconds * 1000,
        save: async (bytes, epoch) => {
          if (!(await saveCheckpoint(submissionId, ctx.workerId, bytes)))
            console.warn(
              `[worker] submission ${submissionId}: checkpoint after epoch ${epoch} not stored: the run is no longer ours`,
            );
        },
        onResume: ({ epoch, history: earlier }) => {
          // The live history goes on from the checkpoint's, so no epoch shows twice.
          history.push(...earlier);
          resumedAfterEpoch = epoch;
          console.log(`[worker] submission ${submissionId}: resuming after epoch ${epoch} from its checkpoint`);
          writeProgress({ phase: "training", epoch, maxEpochs }, true);
        },
      },
      onEpoch: (m: EpochMetrics) => {
        history.push(m);
        writeProgress(
          { phase: "training", epoch: m.epoch, maxEpochs, samplesPerSec: m.samplesPerSec, etaMs: m.etaMs },
          true,
        );
      },
    });
    await writing;
    const packed = { bytes: packModel(outcome.model), formats: await downloadFormats(outcome.model) };
    // What class analytics plots besides the parameter count, stored once here rather than parsed
    // from the architecture on every analytics request (services/analytics/traits.ts).
    const traits = traitsOfArchitecture(submission.architecture);
    // The result and the status change commit together; a retry after a crash finds SUCCEEDED.
    await withDbRetry("store result", () =>
      db.$transaction(async (tx) => {
        const updated = await tx.submission.updateMany({
          where: { id: submissionId, status: "RUNNING", workerId: ctx.workerId },
          data: {
            status: "SUCCEEDED",
            finishedAt: new Date(),
            progress: asJson({
              phase: "done",
              epoch: outcome.epochs,
              maxEpochs,
              history,
              stopReason: outcome.stopReason,
              notes: outcome.notes,
              resumedAfterEpoch,
            }),
          },
        });
        if (updated.count !== 1) throw new LostClaimError();
        await removeCheckpoint(submissionId, tx);
        await tx.result.create({
          data: {
            submissionId,
            testAccuracy: outcome.testAccuracy,
            testLoss: outcome.testLoss,
            publicAccuracy: outcome.publicAccuracy,
            privateAccuracy: outcome.privateAccuracy,
            confusionMatrix: outcome.confusionMatrix,
            perClass: asJson(outcome.perClass),
            history: asJson(outcome.history),
            predictions: Buffer.from(outcome.predictions),
            paramCount: outcome.paramCount,
            epochs: outcome.epochs,
            backend: outcome.backend,
            ...(outcome.adapter ? { adapter: asJson(outcome.adapter) } : {}),
            trainDurationMs: Math.round(outcome.trainDurationMs),
            evalDurationMs: Math.round(outcome.evalDurationMs),
            flops: traits?.flops ?? null,
            depth: traits?.depth ?? null,
            maxDropout: traits?.maxDropout ?? null,
          },
          select: { id: true },
        });
        // The trained model commits with its result: a scored run always has its model.
        await storeModel(tx, submissionId, packed);
      }),
    );
    return { status: "SUCCEEDED", testAccuracy: outcome.testAccuracy };
  } catch (error) {
    await writing;
    if (error instanceof LostClaimError) return finishWithoutTraining(submissionId);
    return await settleFailure(error, stopReason, job, submissionId, ctx);
  } finally {
    clearTimeout(timeLimit);
    clearInterval(cancelPoll);
    unwatch();
    ctx.shutdown.removeEventListener("abort", onShutdown);
    job.signal.removeEventListener("abort", onJobAbort);
  }
}

/**
 * The formats the model exports to, found by exporting it (milliseconds; the first Keras export
 * of a process also loads h5wasm, ~0.3 s): a download then never meets a layer its format lacks.
 */
async function downloadFormats(saved: SavedModel): Promise<ModelFormat[]> {
  const formats: ModelFormat[] = ["tfjs"];
  for (const [format, run] of [
    ["keras", exportKeras],
    ["onnx", exportOnnx],
  ] as const) {
    try {
      await run(saved);
      formats.push(format);
    } catch (error) {
      if (!(error instanceof UnsupportedLayerError)) throw error;
    }
  }
  return formats;
}

/**
 * A model under the parameter budget always fits its size limit (artifactLimitBytes); should one
 * not, the run keeps its result and loses only the download, rather than the whole run.
 */
async function storeModel(
  tx: Prisma.TransactionClient,
  submissionId: string,
  packed: { bytes: Uint8Array; formats: ModelFormat[] },
): Promise<void> {
  try {
    await artifacts.put(submissionId, "MODEL", packed.bytes, tx, packed.formats);
  } catch (error) {
    if (!(error instanceof ArtifactTooLargeError)) throw error;
    console.error(`[worker] submission ${submissionId}: result kept without its model: ${error.message}`);
  }
}

/** Someone else settled the submission (cancelled while queued, or another attempt finished it). */
async function finishWithoutTraining(submissionId: string): Promise<object> {
  const row = await withDbRetry("read", () =>
    db.submission.findUnique({ where: { id: submissionId }, select: { status: true, cancelRequestedAt: true } }),
  );
  if (row?.cancelRequestedAt && !isTerminal(row.status)) {
    await markCancelled(submissionId);
    return { status: "CANCELLED" };
  }
  return { skipped: `submission is ${row?.status ?? "gone"}` };
}

class LostClaimError extends Error {}

/** Cancels the submission; with `holder`, only while that worker holds it (a stopped attempt of ours). */
async function markCancelled(submissionId: string, holder?: string): Promise<void> {
  await withDbRetry("cancel", () =>
    db.$transaction(async (tx) => {
      const { count } = await tx.submission.updateMany({
        where: holder
          ? { id: submissionId, status: "RUNNING", workerId: holder }
          : { id: submissionId, status: { in: [...ACTIVE_STATUSES] } },
        data: { status: "CANCELLED", finishedAt: new Date(), workerId: null },
      });
      if (count === 1) await removeCheckpoint(submissionId, tx);
    }),
  );
}

async function markFailed(submissionId: string, workerId: string, reason: string, kind: FailureKind): Promise<void> {
  await withDbRetry("fail", () =>
    db.$transaction(async (tx) => {
      const { count } = await tx.submission.updateMany({
        where: { id: submissionId, status: "RUNNING", workerId },
        data: { status: "FAILED", finishedAt: new Date(), failureReason: reason, failureKind: kind, workerId: null },
      });
      if (count === 1) await removeCheckpoint(submissionId, tx);
    }),
  );
}

/**
 * pg-boss took this attempt away (this worker was silent past the heartbeat, or the job expired or
 * was cancelled). Whoever holds the submission now decides its fate: a worker that was frozen and
 * woke up must not cancel or overwrite the run another worker took over. Only a row still held by
 * this worker is ours to settle: back to the queue (a cancel request, if any, is honoured).
 */
async function settleLostClaim(submissionId: string, ctx: WorkerContext): Promise<object> {
  const row = await withDbRetry("read", () =>
    db.submission.findUnique({ where: { id: submissionId }, select: { workerId: true, cancelRequestedAt: true } }),
  );
  if (row?.workerId !== ctx.workerId) {
    console.warn(`[worker] submission ${submissionId}: this attempt was taken over; leaving it to ${row?.workerId}`);
    return { skipped: "claim lost" };
  }
  if (row.cancelRequestedAt) {
    await markCancelled(submissionId, ctx.workerId);
    return { status: "CANCELLED" };
  }
  await withDbRetry("requeue", () =>
    db.submission.updateMany({
      where: { id: submissionId, status: "RUNNING", workerId: ctx.workerId },
      data: { status: "QUEUED", workerId: null, progress: { phase: "requeued", reason: "the attempt timed out" } },
    }),
  );
  return { skipped: "claim lost" };
}

/** Gives the submission back to the queue: pg-boss retries the job after its backoff. */
async function requeue(submissionId: string, workerId: string, why: string): Promise<never> {
  await withDbRetry("requeue", () =>
    db.submission.updateMany({
      where: { id: submissionId, status: "RUNNING", workerId },
      data: { status: "QUEUED", workerId: null, progress: { phase: "requeued", reason: why } },
    }),
  );
  throw new RequeueError(why);
}

async function settleFailure(
  error: unknown,
  stopReason: StopReason | null,
  job: Job<unknown>,
  submissionId: string,
  ctx: WorkerContext,
): Promise<object> {
  const limits = ctx.limits;
  if (error instanceof TrainerError && error.code === "CANCELLED") {
    switch (stopReason) {
      case "cancelled":
        await markCancelled(submissionId, ctx.workerId);
        return { status: "CANCELLED" };
      case "claim-lost":
        return settleLostClaim(submissionId, ctx);
      case "time-limit": {
        const minutes = Math.round(limits.maxTrainSeconds / 60);
        await markFailed(
          submissionId,
          ctx.workerId,
          `Training took longer than the ${minutes}-minute limit and was stopped. Try fewer epochs or a smaller model.`,
          "MODEL",
        );
        return { status: "FAILED" };
      }
      default: {
        // "shutdown": a deploy or a restart, the platform's doing: it must not use up an attempt.
        const reason = "the worker was stopped; the run will start again";
        await handBack({ job, submissionId, claimedBy: ctx.workerId, reason });
        return { status: "QUEUED", requeued: reason };
      }
    }
  }
  if (error instanceof TrainerError && MACHINE_FAULTS.has(error.code)) {
    // The machine's fault, found mid-job although its checks passed (files removed, a GPU lost):
    // the job goes back without using an attempt, and this worker stops taking jobs until its
    // checks pass again (worker/process.ts, on the HandedBack result).
    const reason = `a trainer could not run it (${error.message}); it will start when a trainer is ready`;
    console.error(`[worker] submission ${submissionId}: ${error.code}, handing the job back: ${error.message}`);
    await handBack({ job, submissionId, claimedBy: ctx.workerId, reason });
    return { handedBack: `${error.code}: ${error.message}` } satisfies HandedBack;
  }
  if (error instanceof TrainerError && !error.retryable) {
    // The submission's own fault (bad architecture, NaN loss): fail once, with the trainer's words.
    await markFailed(submissionId, ctx.workerId, error.message, "MODEL");
    return { status: "FAILED", code: error.code };
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[worker] submission ${submissionId}: attempt failed:`, error);
  if (job.retryCount >= limits.jobRetries) {
    await markFailed(
      submissionId,
      ctx.workerId,
      `The trainer failed ${job.retryCount + 1} times on this submission (last error: ${message}). It will not be retried; please tell your instructor.`,
      "PLATFORM",
    );
    return { status: "FAILED" };
  }
  return requeue(submissionId, ctx.workerId, `attempt ${job.retryCount + 1} failed: ${message}`);
}

/**
 * A job that exhausted its retries because workers kept dying under it lands in the dead-letter
 * queue; the submission must not stay RUNNING or QUEUED forever.
 */
export async function handleDeadTrainSubmission(job: Job<unknown>): Promise<object> {
  const payload = trainSubmission.payload.safeParse(job.data);
  if (!payload.success) return { skipped: "malformed payload" };
  const { submissionId } = payload.data;
  const reason =
    "The trainer stopped responding on every attempt at this submission (the worker process died). It will not be retried; please tell your instructor.";
  // Raw SQL for COALESCE: a job can die before any attempt stamped startedAt.
  await withDbRetry("dead letter", () =>
    db.$transaction(async (tx) => {
      const count = await tx.$executeRaw`
        UPDATE "Submission"
        SET status = 'FAILED', "finishedAt" = now(), "startedAt" = COALESCE("startedAt", now()),
            "workerId" = NULL, "failureReason" = ${reason}, "failureKind" = 'PLATFORM', "updatedAt" = now()
        WHERE id = ${submissionId} AND status IN ('QUEUED', 'RUNNING')`;
      if (count === 1) await removeCheckpoint(submissionId, tx);
    }),
  );
  return { status: "FAILED" };
}
