// One trainer worker process: takes train-submission jobs from the queue one at a time.
// Started by worker/main.ts (which runs one per GPU, or the configured number); run this file
// directly only for debugging.
import { hostname } from "node:os";
import type { Job, PgBoss } from "pg-boss";
import { disconnectDb } from "@/lib/server/db";
import { readLimits } from "@/lib/server/limits";
import { createBoss } from "@/lib/server/queue/boss";
import { benchNoop, trainSubmission, trainSubmissionDead } from "@/lib/server/queue/jobs";
import { type FashionMnist, loadFashionMnist, selectBackend } from "@/trainer";
import { CancelListener } from "./cancel-listener";
import { handleDeadTrainSubmission, handleTrainSubmission, type WorkerContext } from "./train-submission";

const workerId = `${hostname()}:${process.pid}`;
const log = (message: string) => console.log(`[worker ${workerId}] ${message}`);

async function main(): Promise<void> {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set.");
  const limits = readLimits();
  const backend = await selectBackend();
  log(`backend ${backend.name}${backend.skipped.length ? ` (skipped: ${backend.skipped.join("; ")})` : ""}`);

  const shutdown = new AbortController();
  const listener = new CancelListener(connectionString);
  await listener.start();

  let data: Promise<FashionMnist> | undefined;
  const ctx: WorkerContext = {
    workerId,
    limits,
    listener,
    shutdown: shutdown.signal,
    data: () => {
      data ??= loadFashionMnist().catch((error) => {
        data = undefined; // the next job tries again (the files may appear)
        throw error;
      });
      return data;
    },
  };

  const boss: PgBoss = await createBoss({ supervise: true });
  // With NOTIFY a new job wakes an idle worker at once; the 2 s poll still picks up jobs that
  // became runnable without a notification (a student's next job, once their running one ends).
  // With a backlog, fetch the next job as soon as one ends (burst) rather than at the next poll.
  const options = {
    localConcurrency: 1,
    pollingIntervalSeconds: 2,
    notifyPollingIntervalSeconds: 2,
    burstWhenReadyExceeds: 1,
    groupConcurrency: 1,
  } as const;
  // Handlers get one job at a time (batchSize 1): a training run is minutes long, so batching
  // would only hold jobs hostage in a busy worker.
  await boss.work(trainSubmission.name, options, async ([job]) => handleTrainSubmission(job as Job<unknown>, ctx));
  await boss.work(trainSubmissionDead.name, { pollingIntervalSeconds: 2 }, async ([job]) =>
    handleDeadTrainSubmission(job as Job<unknown>),
  );
  if (process.env.CATWALK_WORKER_BENCH === "1") {
    await boss.work(
      benchNoop.name,
      { localConcurrency: 1, pollingIntervalSeconds: 2, burstWhenReadyExceeds: 1 },
      async () => ({}),
    );
  }
  log(
    `ready (heartbeat ${limits.heartbeatSeconds} s, retries ${limits.jobRetries}, time limit ${limits.maxTrainSeconds} s)`,
  );
  process.send?.({ type: "ready" });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping; a running job goes back to the queue`);
    shutdown.abort();
    // Stop taking jobs and wait for the running handler to hand its job back.
    await boss.stop({ graceful: true, timeout: 30_000 }).catch((error) => console.error(error));
    await listener.stop();
    await disconnectDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error) => {
  console.error(`[worker ${workerId}] failed to start:`, error);
  process.exit(1);
});
