// `npm run bench:queue`: how fast the training queue hands work to workers.
//   - enqueue-to-start latency with an idle worker: bench-noop jobs, and real train-submission
//     jobs (submission created → worker has claimed it, status RUNNING);
//   - throughput of trivial jobs with 1 and 2 worker processes.
// Uses a fresh database on DATABASE_URL's server (default 127.0.0.1:5432), dropped at the end.
// Writes bench/results/queue.json.
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { createTestDatabase } from "../tests/helpers/database";

const NOOP_LATENCY_SAMPLES = 30;
const SUBMISSION_LATENCY_SAMPLES = 8;
const THROUGHPUT_JOBS = 400;

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    n: values.length,
    p50: at(0.5),
    p90: at(0.9),
    max: sorted[sorted.length - 1]!,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
  };
}

async function main() {
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.FASHION_MNIST_DIR ??= new URL("../trainer/fixtures/fashion-mnist", import.meta.url).pathname;
  // Imported after DATABASE_URL is set: these modules read it on first use.
  const { db, disconnectDb } = await import("../lib/server/db");
  const { getBoss } = await import("../lib/server/queue/boss");
  const { benchNoop } = await import("../lib/server/queue/jobs");
  const { createClass, joinClass } = await import("../lib/server/services/classes");
  const { createSubmission } = await import("../lib/server/services/submissions/create-submission");
  const { makeUser } = await import("../tests/helpers/fixtures");
  const { startWorker, stopAllWorkers, waitFor } = await import("../tests/helpers/workers");
  const boss = await getBoss();

  const jobTimes = async (ids: string[]) => {
    const rows = await db.$queryRawUnsafe<Array<{ created: Date; started: Date; completed: Date }>>(
      `SELECT created_on AS created, started_on AS started, completed_on AS completed FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[])`,
      benchNoop.name,
      ids,
    );
    return rows;
  };
  const waitCompleted = (ids: string[], timeoutMs = 120_000) =>
    waitFor(
      `${ids.length} jobs to complete`,
      async () => {
        const [{ done }] = await db.$queryRawUnsafe<Array<{ done: number }>>(
          `SELECT count(*)::int AS done FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'completed'`,
          benchNoop.name,
          ids,
        );
        return done === ids.length;
      },
      timeoutMs,
      50,
    );

  try {
    // --- latency, one idle worker
    const worker = await startWorker({ CATWALK_WORKER_BENCH: "1" });
    const noopLatency: number[] = [];
    for (let i = 0; i < NOOP_LATENCY_SAMPLES; i++) {
      const id = (await boss.send(benchNoop.name, { sentAt: Date.now() }))!;
      await waitCompleted([id], 30_000);
      const [t] = await jobTimes([id]);
      noopLatency.push(t!.started.getTime() - t!.created.getTime());
      await new Promise((r) => setTimeout(r, 100)); // let the worker go idle again
    }

    const owner = await makeUser("Bench Owner");
    const klass = await createClass(owner.viewer, { name: "Queue Bench" });
    await db.class.update({ where: { id: klass.id }, data: { dailyQuota: 1000 } });
    const student = await makeUser("Bench Student");
    await joinClass(student.viewer, klass.joinCode!);
    const tiny = {
      layers: [
        { type: "Flatten", inputShape: [28, 28, 1] },
        { type: "Dense", units: 10, activation: "softmax" },
      ],
    };
    const submissionLatency: number[] = [];
    for (let i = 0; i < SUBMISSION_LATENCY_SAMPLES; i++) {
      const s = await createSubmission(student.viewer, {
        classSlug: klass.slug,
        name: `latency ${i}`,
        architecture: tiny,
        training: { maxEpochs: 1, earlyStopping: null },
      });
      const row = await waitFor(
        "claim",
        () =>
          db.submission.findFirst({
            where: { id: s.id, status: { in: ["RUNNING", "SUCCEEDED"] } },
            select: { createdAt: true, startedAt: true },
          }),
        30_000,
        20,
      );
      submissionLatency.push(row.startedAt!.getTime() - row.createdAt.getTime());
      await waitFor(
        "finish",
        () => db.submission.findFirst({ where: { id: s.id, status: "SUCCEEDED" }, select: { id: true } }),
        60_000,
        50,
      );
    }
    await worker.stop();

    // --- throughput of trivial jobs with 1 and 2 workers
    const throughput: Record<string, { jobs: number; seconds: number; jobsPerSecond: number }> = {};
    // 1, 2, then 1 again: the repeat shows how much of a difference is warm-up rather than scaling.
    for (const [run, workers] of [
      [1, 1],
      [2, 2],
      [3, 1],
    ] as const) {
      const ids = (await boss.insert(
        benchNoop.name,
        Array.from({ length: THROUGHPUT_JOBS }, () => ({ data: { sentAt: Date.now() } })),
        { returnId: true },
      ))!;
      const handles = await Promise.all(
        Array.from({ length: workers }, () => startWorker({ CATWALK_WORKER_BENCH: "1" })),
      );
      await waitCompleted(ids, 300_000);
      const times = await jobTimes(ids);
      const first = Math.min(...times.map((t) => t.started.getTime()));
      const last = Math.max(...times.map((t) => t.completed.getTime()));
      const seconds = (last - first) / 1000;
      throughput[`run ${run}: ${workers} worker${workers > 1 ? "s" : ""}`] = {
        jobs: ids.length,
        seconds,
        jobsPerSecond: ids.length / seconds,
      };
      await Promise.all(handles.map((h) => h.stop()));
    }

    const result = {
      benchmark: "queue",
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      notes:
        "Latency is pg-boss created_on → started_on (noop) and Submission.createdAt → startedAt (train-submission claim), both from database clocks. Workers LISTEN for new jobs (pg-boss notify).",
      latencyMs: { noopIdleWorker: stats(noopLatency), trainSubmissionClaim: stats(submissionLatency) },
      throughputTrivialJobs: throughput,
      scaling2over1:
        throughput["run 2: 2 workers"]!.jobsPerSecond /
        Math.max(throughput["run 1: 1 worker"]!.jobsPerSecond, throughput["run 3: 1 worker"]!.jobsPerSecond),
    };
    writeFileSync(new URL("./results/queue.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    await disconnectDb();
  } finally {
    await stopAllWorkers();
    await (await getBoss()).stop({ graceful: false }).catch(() => undefined);
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
