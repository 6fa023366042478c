// Checkpoint overhead per epoch, side by side with the epoch it follows, in one run: the report's
// CNN with its preset recipe (Adam, batch 64, restore-best early stopping: the largest checkpoint
// it makes, four copies of the weights) on the full 60,000 images, checkpointed after every epoch
// through the worker's own save (worker/checkpoints.ts: a transaction that locks the submission
// row and upserts the bytes into Artifact) into a fresh database on DATABASE_URL's server
// (default 127.0.0.1:5432), dropped at the end.
//
//   serialize: from the end of the epoch's callback to the save call: the trainer reading every
//              weight, the optimizer's slots and the best weights, encoding, SHA-256;
//   write:     the save call itself (PostgreSQL, one transaction);
//   epoch:     the epoch's own durationMs (training + validation).
//
// Usage: node --conditions=react-server --import tsx bench/checkpoint.ts [--epochs N] [--out FILE]
// (default 3 epochs, bench/results/checkpoint.json). Also measures reading a checkpoint back
// (what a retry does once at claim time).
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createTestDatabase } from "../tests/helpers/database";

const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "3" },
    out: { type: "string", default: "bench/results/checkpoint.json" },
  },
});
const EPOCHS = Number(args.epochs);
if (!Number.isInteger(EPOCHS) || EPOCHS < 1) throw new Error(`--epochs must be a whole number ≥ 1, not ${args.epochs}`);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function main() {
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  // Imported after DATABASE_URL is set: these modules read it on first use.
  const { db, disconnectDb } = await import("../lib/server/db");
  const { createClass, joinClass } = await import("../lib/server/services/classes");
  const { createSubmission } = await import("../lib/server/services/submissions/create-submission");
  const { makeUser } = await import("../tests/helpers/fixtures");
  const { getBoss } = await import("../lib/server/queue/boss");
  const { loadCheckpoint, saveCheckpoint } = await import("../worker/checkpoints");
  const { decodeCheckpoint, getPreset, loadFashionMnist, runTraining } = await import("../trainer");
  try {
    const preset = getPreset("report-cnn")!;
    const owner = await makeUser("Bench Owner");
    const klass = await createClass(owner.viewer, { name: "Checkpoint Bench" });
    const student = await makeUser("Bench Student");
    await joinClass(student.viewer, klass.joinCode!);
    const submission = await createSubmission(student.viewer, {
      classSlug: klass.slug,
      name: "checkpoint bench",
      architecture: preset.architecture,
      training: preset.training,
    });
    // Held by this process as a worker holds a run it claimed: the save's fence lets it write.
    const workerId = "bench:checkpoint";
    await db.submission.update({
      where: { id: submission.id },
      data: { status: "RUNNING", workerId, startedAt: new Date() },
    });

    const data = await loadFashionMnist();
    if (data.train.count !== 60_000)
      throw new Error(`needs the full data set; found ${data.train.count} training images`);
    let epochEnd = 0;
    const rows: { epoch: number; epochMs: number; serializeMs: number; writeMs: number; bytes: number }[] = [];
    const pending: { serializeMs: number; writeMs: number; bytes: number }[] = [];
    const outcome = await runTraining({
      architecture: preset.architecture,
      training: { ...preset.training, earlyStopping: { ...preset.training.earlyStopping, patience: 100 } },
      data,
      maxEpochs: EPOCHS,
      onEpoch: () => {
        epochEnd = performance.now();
      },
      checkpoint: {
        minIntervalMs: 0,
        save: async (bytes) => {
          const serializeMs = performance.now() - epochEnd;
          const w0 = performance.now();
          if (!(await saveCheckpoint(submission.id, workerId, bytes))) throw new Error("the save's fence refused");
          pending.push({ serializeMs, writeMs: performance.now() - w0, bytes: bytes.byteLength });
        },
      },
    });
    for (const [i, h] of outcome.history.entries()) rows.push({ epoch: h.epoch, epochMs: h.durationMs, ...pending[i] });

    const r0 = performance.now();
    const stored = await loadCheckpoint(submission.id);
    const loadMs = performance.now() - r0;
    const d0 = performance.now();
    const decoded = decodeCheckpoint(stored!);
    const decodeMs = performance.now() - d0;
    if (!decoded.ok) throw new Error(decoded.reason);

    const overhead = rows.map((r) => r.serializeMs + r.writeMs);
    const percent = rows.map((r, i) => (100 * overhead[i]) / r.epochMs);
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg1m: round(loadavg()[0], 2) },
      model: "report-cnn",
      params: outcome.paramCount,
      backend: outcome.backend,
      threads: outcome.threads,
      trainSamples: outcome.trainSamples,
      valSamples: outcome.valSamples,
      epochs: EPOCHS,
      checkpointBytes: rows[0].bytes,
      perEpoch: rows.map((r, i) => ({
        epoch: r.epoch,
        epochMs: round(r.epochMs),
        serializeMs: round(r.serializeMs, 2),
        writeMs: round(r.writeMs, 2),
        overheadMs: round(overhead[i], 2),
        overheadPercent: round(percent[i], 3),
      })),
      mean: {
        epochMs: round(mean(rows.map((r) => r.epochMs))),
        serializeMs: round(mean(rows.map((r) => r.serializeMs)), 2),
        writeMs: round(mean(rows.map((r) => r.writeMs)), 2),
        overheadMs: round(mean(overhead), 2),
        overheadPercent: round(mean(percent), 3),
      },
      targetPercent: 2,
      resume: { loadMs: round(loadMs, 2), decodeMs: round(decodeMs, 2) },
      testAccuracy: outcome.testAccuracy,
    };
    writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    await db.submission.update({
      where: { id: submission.id },
      data: { status: "CANCELLED", workerId: null, finishedAt: new Date() },
    });
  } finally {
    // createSubmission started this process's pg-boss (it sends the job): stop it before the drop.
    await (await getBoss()).stop({ graceful: false }).catch(() => undefined);
    await disconnectDb();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
