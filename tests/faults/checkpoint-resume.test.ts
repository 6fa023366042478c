// A worker SIGKILLed mid-run loses no finished epoch: the retry, on another worker process,
// continues from the checkpoint the dead one stored after epoch k, and ends where a run that
// never stopped ends (bit for bit: both on the cpu backend, one thread). Checkpoints go when the
// run ends, however it ends. Real worker processes, the test database, the committed subset.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { cancelSubmission } from "@/lib/server/services/submissions/cancel-submission";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import type { Viewer } from "@/lib/server/viewer";
import { decodeCheckpoint, type EpochMetrics, loadFashionMnist, runTraining, unpackModel } from "@/trainer";
import { makeUser } from "../helpers/fixtures";
import { startWorker, stopAllWorkers, submissionState, waitFor, waitForStatus } from "../helpers/workers";

// The cpu backend (exact and deterministic), one thread, a checkpoint after every epoch. The
// model takes about a second an epoch there: slow enough to be killed between epochs.
const WORKER_ENV = { CATWALK_BACKEND: "cpu", CATWALK_TRAIN_THREADS: "1", CATWALK_CHECKPOINT_SECONDS: "0" };
const MLP = {
  layers: [
    { type: "Flatten", inputShape: [28, 28, 1] },
    { type: "Dense", units: 64, activation: "relu" },
    { type: "Dense", units: 10, activation: "softmax" },
  ],
};
const EPOCHS = 6;
const TRAINING = { maxEpochs: EPOCHS, batchSize: 32, earlyStopping: null, seed: 21 };
const ALL_EPOCHS = Array.from({ length: EPOCHS }, (_, i) => i + 1);
// Runs that are stopped long before their end: no race with finishing.
const LONG = { ...TRAINING, maxEpochs: 50 };

const report = (line: string) => console.log(`[fault] ${line}`);

let viewer: Viewer;
let classSlug: string;

beforeAll(async () => {
  const owner = await makeUser("Resume Owner");
  const klass = await createClass(owner.viewer, { name: "Resume Tests" });
  classSlug = klass.slug;
  await db.class.update({ where: { id: klass.id }, data: { dailyQuota: 100 } });
  const student = await makeUser("Resume Student");
  await joinClass(student.viewer, klass.joinCode!);
  viewer = student.viewer;
});
afterEach(stopAllWorkers);
afterAll(stopAllWorkers);

const checkpointRow = (submissionId: string) =>
  db.artifact.findUnique({
    where: { submissionId_kind: { submissionId, kind: "CHECKPOINT" } },
    select: { bytes: true, sizeBytes: true },
  });

/** The epoch of the stored checkpoint (0 when there is none). */
async function checkpointEpoch(submissionId: string): Promise<number> {
  const row = await checkpointRow(submissionId);
  if (!row) return 0;
  const decoded = decodeCheckpoint(row.bytes);
  if (!decoded.ok) throw new Error(`stored checkpoint unreadable: ${decoded.reason}`);
  return decoded.content.epoch;
}

/** Waits until the running submission's checkpoint is at least `epochs` epochs in. */
const waitForCheckpoint = (submissionId: string, epochs: number) =>
  waitFor(
    `a checkpoint after epoch ${epochs}`,
    async () =>
      (await submissionState(submissionId)).status === "RUNNING" && (await checkpointEpoch(submissionId)) >= epochs,
    60_000,
    50,
  );

const learned = (h: EpochMetrics[]) =>
  h.map(({ epoch, loss, accuracy, valLoss, valAccuracy }) => ({ epoch, loss, accuracy, valLoss, valAccuracy }));

describe("resume from a checkpoint", { timeout: 180_000 }, () => {
  it("continues a SIGKILLed worker's run after its last checkpoint on another worker, equal to an uninterrupted run", async () => {
    const submission = await createSubmission(viewer, {
      classSlug,
      name: "resumed",
      architecture: MLP,
      training: TRAINING,
    });
    const first = await startWorker(WORKER_ENV);
    await waitForCheckpoint(submission.id, 2);
    first.process.kill("SIGKILL");
    await first.exited;
    // Whatever the dead worker stored last: epoch 2, or 3 if it finished one more meanwhile.
    const left = decodeCheckpoint((await checkpointRow(submission.id))!.bytes);
    if (!left.ok) throw new Error(left.reason);
    const k = left.content.epoch;
    expect(k).toBeGreaterThanOrEqual(2);
    expect(k).toBeLessThan(EPOCHS);
    expect(left.content.writtenBy).toMatchObject({ backend: "cpu", threads: 1 });

    // The same run, never stopped, in this process (same seed, backend and data), trained while
    // the dead worker's job waits out its heartbeat.
    const uninterrupted = (async () => {
      const stored = await db.submission.findUniqueOrThrow({
        where: { id: submission.id },
        select: { architecture: true, training: true },
      });
      const saved = new Map<number, Uint8Array>();
      const whole = await runTraining({
        architecture: stored.architecture,
        training: stored.training,
        data: await loadFashionMnist(),
        backend: "cpu",
        threads: 1,
        checkpoint: { save: async (bytes, epoch) => void saved.set(epoch, bytes) },
      });
      return { whole, saved };
    })();

    // Watch the second attempt's progress: it must start from epoch k, never from scratch.
    const second = await startWorker(WORKER_ENV);
    const seen: { epoch: number; history: number; resumedAfterEpoch?: number }[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const row = await db.submission.findUniqueOrThrow({
          where: { id: submission.id },
          select: { status: true, attempts: true, progress: true },
        });
        const p = row.progress as { phase?: string; epoch?: number; history?: unknown[]; resumedAfterEpoch?: number };
        if (row.attempts === 2 && p.phase === "training" && p.epoch)
          seen.push({ epoch: p.epoch, history: p.history?.length ?? 0, resumedAfterEpoch: p.resumedAfterEpoch });
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const done = await waitForStatus(submission.id, ["SUCCEEDED", "FAILED"], 120_000);
    watching = false;
    await watcher;
    expect(done.status).toBe("SUCCEEDED");
    expect(done.attempts).toBe(2);
    expect(second.output()).toMatch(new RegExp(`resuming after epoch ${k} from its checkpoint`));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.resumedAfterEpoch === k && s.epoch >= k && s.history >= k)).toBe(true);
    expect(seen.some((s) => s.epoch === k + 1)).toBe(true); // its first trained epoch

    const result = await db.result.findUniqueOrThrow({
      where: { submissionId: submission.id },
      select: { history: true, testLoss: true, testAccuracy: true, predictions: true, epochs: true },
    });
    const history = result.history as unknown as EpochMetrics[];
    expect(history.map((h) => h.epoch)).toEqual(ALL_EPOCHS);
    expect(result.epochs).toBe(EPOCHS);
    // Epochs 1..k are the dead worker's records (its own timings), not trained again.
    expect(history.slice(0, k)).toEqual(left.content.history);
    const progress = done.progress as unknown as {
      history: EpochMetrics[];
      notes: string[];
      resumedAfterEpoch: number;
    };
    expect(progress.history.map((h) => h.epoch)).toEqual(ALL_EPOCHS);
    expect(progress.resumedAfterEpoch).toBe(k);
    expect(progress.notes.join(" ")).toMatch(
      new RegExp(`Resumed from the checkpoint after epoch ${k} \\(written on cpu`),
    );
    expect(await checkpointRow(submission.id)).toBeNull();

    const { whole, saved } = await uninterrupted;
    // The dead worker's checkpoint holds exactly the uninterrupted run's state after epoch k...
    const reference = decodeCheckpoint(saved.get(k)!);
    if (!reference.ok) throw new Error(reference.reason);
    let maxDiff = 0;
    for (const [i, w] of reference.content.weights.entries())
      for (let j = 0; j < w.values.length; j++)
        maxDiff = Math.max(maxDiff, Math.abs(w.values[j] - left.content.weights[i].values[j]));
    expect(maxDiff).toBe(0);
    // ...and the resumed run ends where it ends: every epoch's numbers, the test loss, each prediction.
    expect(learned(history)).toEqual(learned(whole.history));
    expect(result.testLoss).toBe(whole.testLoss);
    expect(result.testAccuracy).toBe(whole.testAccuracy);
    expect([...(result.predictions ?? [])]).toEqual([...whole.predictions]);
    // The stored trained model has the very weights of the uninterrupted run.
    const model = await db.artifact.findUniqueOrThrow({
      where: { submissionId_kind: { submissionId: submission.id, kind: "MODEL" } },
      select: { bytes: true },
    });
    expect(Buffer.from(unpackModel(model.bytes).weights).equals(Buffer.from(whole.model.weights))).toBe(true);
    report(
      `SIGKILL after epoch ${k} of ${EPOCHS}: the retry trained epochs ${k + 1}–${EPOCHS} only; test loss ${result.testLoss} = uninterrupted ${whole.testLoss}; checkpoint ${left.content.weights.length} tensors, ${saved.get(k)!.byteLength.toLocaleString("en")} bytes`,
    );
  });

  it("keeps the checkpoint when a stopped worker hands the run back, and drops it when the run is cancelled", async () => {
    const submission = await createSubmission(viewer, {
      classSlug,
      name: "handed back, then cancelled",
      architecture: MLP,
      training: LONG,
    });
    const worker = await startWorker(WORKER_ENV);
    await waitForCheckpoint(submission.id, 1);
    await worker.stop("SIGTERM");
    expect((await submissionState(submission.id)).status).toBe("QUEUED");
    expect(await checkpointRow(submission.id)).not.toBeNull(); // the next attempt resumes from it
    await cancelSubmission(viewer, submission.id);
    expect((await submissionState(submission.id)).status).toBe("CANCELLED");
    expect(await checkpointRow(submission.id)).toBeNull();

    // Cancelled while running: the worker's settling transaction removes it.
    const running = await createSubmission(viewer, {
      classSlug,
      name: "cancelled",
      architecture: MLP,
      training: TRAINING,
    });
    await startWorker(WORKER_ENV);
    await waitForCheckpoint(running.id, 1);
    await cancelSubmission(viewer, running.id);
    expect((await waitForStatus(running.id, ["CANCELLED", "SUCCEEDED", "FAILED"])).status).toBe("CANCELLED");
    expect(await checkpointRow(running.id)).toBeNull();
  });
});
