import { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import type { SubmissionStatus } from "@/generated/prisma/enums";
import { type ArchError, parseArchitecture, parseTrainingConfig, type TrainingConfig } from "@/trainer/arch";
import type { ClassMetrics } from "@/trainer/data";
import { type ClassAccess, requireClassAccess, requireSubmissionAccess, visibility } from "../access";
import { db } from "../db";
import { badInput, type FieldIssue } from "../errors";
import { parseInput } from "../input";
import { readLimits } from "../limits";
import { getBoss, sendJob } from "../queue/boss";
import { trainSubmission } from "../queue/jobs";
import { hitRateLimit, rateRules } from "../rate-limit";
import { scoreOn } from "../test-set";
import type { Viewer } from "../viewer";

// Limits on what a client may store, checked before anything reaches the database.
export const MAX_ARCHITECTURE_BYTES = 256 * 1024;
export const MAX_JSON_DEPTH = 32;

function jsonDepth(value: unknown, depth = 0): number {
  if (depth > MAX_JSON_DEPTH) return depth;
  if (Array.isArray(value)) return Math.max(depth, ...value.map((v) => jsonDepth(v, depth + 1)));
  if (value && typeof value === "object") {
    return Math.max(depth, ...Object.values(value).map((v) => jsonDepth(v, depth + 1)));
  }
  return depth;
}

const jsonObject = (what: string) =>
  z
    .unknown()
    .transform((value, ctx) => {
      // Accept JSON text as well as parsed JSON: people paste `model.to_json()` output.
      if (typeof value === "string") {
        try {
          return JSON.parse(value) as unknown;
        } catch (error) {
          ctx.addIssue({ code: "custom", message: `${what} is not valid JSON: ${(error as Error).message}` });
          return z.NEVER;
        }
      }
      return value;
    })
    .refine((v) => v !== null && typeof v === "object" && !Array.isArray(v), `${what} must be a JSON object.`)
    .refine((v) => JSON.stringify(v).length <= MAX_ARCHITECTURE_BYTES, `${what} is larger than 256 KiB.`)
    .refine((v) => jsonDepth(v) <= MAX_JSON_DEPTH, `${what} is nested deeper than ${MAX_JSON_DEPTH} levels.`)
    .transform((v) => v as Prisma.InputJsonObject);

export const submitSchema = z.object({
  classSlug: z.string().min(1),
  name: z.string().trim().min(1, "Give the submission a name.").max(100, "Keep the name under 100 characters."),
  architecture: jsonObject("The architecture"),
  training: jsonObject("The training configuration").default({}),
});

function archIssue(error: ArchError): FieldIssue {
  const where = [
    error.layerIndex !== null ? `layer ${error.layerIndex}${error.layerName ? ` (${error.layerName})` : ""}` : null,
    error.field ? `field "${error.field}"` : null,
  ].filter(Boolean);
  const path = ["architecture", error.layerIndex !== null ? `layers.${error.layerIndex}` : null, error.field]
    .filter((part) => part !== null)
    .join(".");
  return { path, message: where.length ? `${where.join(", ")}: ${error.message}` : error.message };
}

/**
 * The trainer's own validation, run before anything is stored: a submission that cannot train
 * is rejected now, with the layer and field named, instead of failing in the queue later.
 */
export function validateModelInput(
  architecture: unknown,
  training: unknown,
): { training: TrainingConfig; paramCount: number } {
  const limits = readLimits();
  const arch = parseArchitecture(architecture, { maxParams: limits.maxParams, maxFlops: limits.maxFlops });
  if (!arch.ok) {
    const issues = arch.errors.map(archIssue);
    throw badInput(`The architecture is not valid: ${issues[0]!.message}`, issues);
  }
  const config = parseTrainingConfig(training);
  if (!config.ok) {
    const issues = config.errors.map((e) => ({ path: `training.${e.field}`, message: `${e.field}: ${e.message}` }));
    throw badInput(`The training configuration is not valid: ${issues[0]!.message}`, issues);
  }
  if (config.config.maxEpochs > limits.maxEpochs) {
    const message = `maxEpochs: at most ${limits.maxEpochs} epochs are allowed on this platform.`;
    throw badInput(message, [{ path: "training.maxEpochs", message }]);
  }
  const paramCount = arch.model.layers.reduce((sum, layer) => sum + layer.params, 0);
  return { training: config.config, paramCount };
}

export interface Quota {
  limit: number;
  /** Submissions today that count: failed and cancelled ones don't. */
  used: number;
  remaining: number;
  resetsAt: Date;
  /** Graders are not limited. */
  unlimited: boolean;
}

function startOfUtcDay(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

type QuotaClient = Pick<Prisma.TransactionClient, "submission">;

async function countTowardsQuota(
  client: QuotaClient,
  classId: string,
  authorId: string,
  now = new Date(),
): Promise<number> {
  return client.submission.count({
    where: { classId, authorId, createdAt: { gte: startOfUtcDay(now) }, status: { notIn: ["FAILED", "CANCELLED"] } },
  });
}

export async function getQuota(viewer: Viewer, classSlug: string): Promise<Quota> {
  const access = await requireClassAccess(viewer, { slug: classSlug });
  const klass = await db.class.findUniqueOrThrow({ where: { id: access.classId }, select: { dailyQuota: true } });
  const used = await countTowardsQuota(db, access.classId, access.viewer.userId);
  const resetsAt = new Date(startOfUtcDay().getTime() + 86_400_000);
  return {
    limit: klass.dailyQuota,
    used,
    remaining: access.isGrader ? klass.dailyQuota : Math.max(0, klass.dailyQuota - used),
    resetsAt,
    unlimited: access.isGrader,
  };
}

export type ResultScope = "FULL_TEST_SET" | "PUBLIC_HALF";

export interface ResultView {
  /**
   * Which part of the test set `testAccuracy`, `confusionMatrix` and `perClass` describe. Students
   * see the public half until the grader reveals the private leaderboard: the full-set numbers
   * would give the private half's accuracy away.
   */
  scope: ResultScope;
  testAccuracy: number;
  /** Loss over the full test set; null while it would leak the private half. */
  testLoss: number | null;
  publicAccuracy: number | null;
  privateAccuracy: number | null;
  /** 10x10 counts over `scope`; null when the public half cannot be scored (no stored predictions). */
  confusionMatrix: number[][] | null;
  perClass: ClassMetrics[] | null;
  history: unknown;
  paramCount: number;
  epochs: number;
  backend: string;
  trainDurationMs: number;
  evalDurationMs: number;
}

export interface SubmissionView {
  id: string;
  name: string;
  status: SubmissionStatus;
  failureReason: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  author: { id: string; name: string };
  classSlug: string;
  architecture: unknown;
  training: unknown;
  progress: unknown;
  attempts: number;
  cancelRequested: boolean;
  result: ResultView | null;
}

export const submissionSelect = {
  id: true,
  name: true,
  status: true,
  failureReason: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  architecture: true,
  training: true,
  progress: true,
  attempts: true,
  cancelRequestedAt: true,
  classId: true,
  author: { select: { id: true, name: true } },
  class: { select: { slug: true, privateRevealed: true, showArchitectures: true } },
  result: {
    select: {
      testAccuracy: true,
      testLoss: true,
      publicAccuracy: true,
      privateAccuracy: true,
      confusionMatrix: true,
      perClass: true,
      history: true,
      paramCount: true,
      epochs: true,
      backend: true,
      trainDurationMs: true,
      evalDurationMs: true,
    },
  },
} as const satisfies Prisma.SubmissionSelect;

export type SubmissionRow = Prisma.SubmissionGetPayload<{ select: typeof submissionSelect }>;

/**
 * Shapes rows for one viewer. Access to the rows has been checked; this decides how much of
 * each result they see (`visibility` in access.ts). Public-half metrics for viewers who may not
 * see private scores are computed from the stored predictions in one extra query for all rows.
 */
export async function toViews(rows: SubmissionRow[], access: Pick<ClassAccess, "isGrader">): Promise<SubmissionView[]> {
  const restricted = rows.filter((r) => r.result && !visibility(access, r.class).privateScores).map((r) => r.id);
  const predictions = new Map<string, Uint8Array | null>();
  if (restricted.length) {
    const stored = await db.result.findMany({
      where: { submissionId: { in: restricted } },
      select: { submissionId: true, predictions: true },
    });
    for (const r of stored) predictions.set(r.submissionId, r.predictions);
  }
  return Promise.all(
    rows.map(async (row) => {
      const full = visibility(access, row.class).privateScores;
      let result: ResultView | null = null;
      if (row.result) {
        const r = row.result;
        if (full) {
          result = {
            ...r,
            scope: "FULL_TEST_SET",
            confusionMatrix: r.confusionMatrix as number[][],
            perClass: (r.perClass as ClassMetrics[] | null) ?? null,
          };
        } else {
          const bytes = predictions.get(row.id);
          const half = bytes ? await scoreOn(bytes, "public") : null;
          result = {
            scope: "PUBLIC_HALF",
            // Without a split (older runs), the leaderboard ranks by the full accuracy; so does this.
            testAccuracy: r.publicAccuracy ?? r.testAccuracy,
            testLoss: null,
            publicAccuracy: r.publicAccuracy ?? r.testAccuracy,
            privateAccuracy: null,
            confusionMatrix: half?.confusionMatrix ?? null,
            perClass: half?.perClass ?? null,
            history: r.history,
            paramCount: r.paramCount,
            epochs: r.epochs,
            backend: r.backend,
            trainDurationMs: r.trainDurationMs,
            evalDurationMs: r.evalDurationMs,
          };
        }
      }
      return {
        id: row.id,
        name: row.name,
        status: row.status,
        failureReason: row.failureReason,
        createdAt: row.createdAt,
        startedAt: row.startedAt,
        finishedAt: row.finishedAt,
        author: row.author,
        classSlug: row.class.slug,
        architecture: row.architecture,
        training: row.training,
        progress: row.progress,
        attempts: row.attempts,
        cancelRequested: row.cancelRequestedAt !== null,
        result,
      };
    }),
  );
}

export async function createSubmission(viewer: Viewer, input: unknown): Promise<SubmissionView> {
  const data = parseInput(submitSchema, input);
  const access = await requireClassAccess(viewer, { slug: data.classSlug }, { intent: "write" });
  const { training } = validateModelInput(data.architecture, data.training);
  const authorId = access.viewer.userId;
  // After validation: a typo'd architecture fixed and resent shouldn't use up the allowance.
  await hitRateLimit(`submit:user:${authorId}`, rateRules().submitPerUser);
  // Start the pg-boss instance outside the transaction: its first start installs its schema.
  await getBoss();
  const id = await db.$transaction(async (tx) => {
    // Serialises one student's submits to one class, so two quick clicks can't both pass the quota.
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`submit:${access.classId}:${authorId}`}))`;
    const klass = await tx.class.findUniqueOrThrow({
      where: { id: access.classId },
      select: { dailyQuota: true, deadline: true },
    });
    const now = new Date();
    if (!access.isGrader) {
      if (klass.deadline && now > klass.deadline) {
        throw badInput(
          `The deadline for this class passed on ${klass.deadline.toISOString()}; submissions are closed.`,
        );
      }
      const used = await countTowardsQuota(tx, access.classId, authorId, now);
      if (used >= klass.dailyQuota) {
        throw badInput(
          `You have used today's ${klass.dailyQuota} submissions for this class. Failed and cancelled runs don't count; the quota resets at 00:00 UTC.`,
        );
      }
    }
    const created = await tx.submission.create({
      data: { name: data.name, architecture: data.architecture, training, authorId, classId: access.classId },
      select: { id: true },
    });
    // Same transaction: there is never a submission without its job, nor a job without its row.
    // The group makes workers run at most one job per student at a time, across all machines.
    const jobId = await sendJob(trainSubmission, { submissionId: created.id }, { tx, group: { id: authorId } });
    await tx.submission.update({ where: { id: created.id }, data: { jobId }, select: { id: true } });
    return created.id;
  });
  const row = await db.submission.findUniqueOrThrow({ where: { id }, select: submissionSelect });
  return (await toViews([row], access))[0]!;
}

/**
 * Stops a submission. A queued one is cancelled at once; a running one is flagged and its worker
 * (told by NOTIFY, with a periodic check as the backstop) stops within one batch.
 */
export async function cancelSubmission(viewer: Viewer, id: string): Promise<SubmissionView> {
  await requireSubmissionAccess(viewer, String(id), { intent: "write" });
  const row = await db.submission.findUniqueOrThrow({ where: { id }, select: { jobId: true } });
  const now = new Date();
  const queued = await db.submission.updateMany({
    where: { id, status: "QUEUED" },
    data: { status: "CANCELLED", cancelRequestedAt: now, finishedAt: now },
  });
  if (queued.count === 1) {
    if (row.jobId) {
      // Best effort: if the job was picked up meanwhile, the worker sees CANCELLED and stops.
      await (await getBoss()).cancel(trainSubmission.name, row.jobId).catch(() => undefined);
    }
  } else {
    const running = await db.submission.updateMany({
      where: { id, status: "RUNNING", cancelRequestedAt: null },
      data: { cancelRequestedAt: now },
    });
    if (running.count === 1) {
      await db.$executeRaw`SELECT pg_notify('catwalk_cancel', ${id})`;
    } else {
      const current = await db.submission.findUniqueOrThrow({
        where: { id },
        select: { status: true, cancelRequestedAt: true },
      });
      if (current.status !== "RUNNING") {
        throw badInput(`This submission has already finished (${current.status.toLowerCase()}).`);
      }
    }
  }
  return getSubmission(viewer, id);
}

export async function getSubmission(viewer: Viewer, id: string): Promise<SubmissionView> {
  // Students open their own submissions; others' they see only as leaderboard rows.
  const access = await requireSubmissionAccess(viewer, String(id));
  const row = await db.submission.findUniqueOrThrow({ where: { id: access.submissionId }, select: submissionSelect });
  return (await toViews([row], access))[0]!;
}

/** A grader gets every submission of the class, a student only their own; newest first. */
export async function listSubmissions(
  viewer: Viewer,
  classSlug: string,
  options: { take?: number } = {},
): Promise<SubmissionView[]> {
  const access = await requireClassAccess(viewer, { slug: classSlug });
  const rows = await db.submission.findMany({
    where: { classId: access.classId, ...(access.isGrader ? {} : { authorId: access.viewer.userId }) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(options.take ?? 100, 500),
    select: submissionSelect,
  });
  return toViews(rows, access);
}

export interface SubmissionUpdate {
  status: SubmissionStatus;
  progress: unknown;
  failureReason: string | null;
  updatedAt: Date;
}

const TERMINAL: readonly SubmissionStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];

/**
 * Yields the submission's status and progress whenever they change (checked every `intervalMs`),
 * ending after a terminal status. Access is checked once, up front, like any other read.
 */
export async function* watchSubmission(
  viewer: Viewer,
  id: string,
  signal: AbortSignal,
  intervalMs = 1000,
): AsyncGenerator<SubmissionUpdate> {
  await getSubmission(viewer, id);
  let last = 0;
  while (!signal.aborted) {
    const row = await db.submission.findUnique({
      where: { id },
      select: { status: true, progress: true, failureReason: true, updatedAt: true },
    });
    if (!row) return;
    if (row.updatedAt.getTime() !== last) {
      last = row.updatedAt.getTime();
      yield row;
    }
    if (TERMINAL.includes(row.status)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
