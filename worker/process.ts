// One trainer worker process: takes train-submission jobs from the queue one at a time.
// Started by worker/main.ts (which runs one per GPU, or the configured number); run this file
// directly only for debugging.
import { hostname } from "node:os";
import type { Job, PgBoss } from "pg-boss";
import { disconnectDb } from "@/lib/server/db";
import { databaseUrl, readLimits, serverEnv } from "@/lib/server/env";
import { createBoss } from "@/lib/server/queue/boss";
import { ALL_JOBS } from "@/lib/server/queue/jobs";
import { type FashionMnist, loadFashionMnist, selectBackend } from "@/trainer";
import { CancelListener } from "./cancel-listener";
import type { WorkerContext } from "./context";
import { WORKER_JOBS, type WorkerJob } from "./jobs";

const workerId = `${hostname()}:${process.pid}`;
const log = (message: string) => console.log(`[worker ${workerId}] ${message}`);

async function main(): Promise<void> {
  const connectionString = databaseUrl();
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
    takeBenchJobs: serverEnv().CATWALK_WORKER_BENCH,
    data: () => {
      data ??= loadFashionMnist().catch((error) => {
        data = undefined; // the next job tries again (the files may appear)
        throw error;
      });
      return data;
    },
  };

  const boss: PgBoss = await createBoss({ supervise: true });
  for (const { name } of ALL_JOBS) {
    const job: WorkerJob = WORKER_JOBS[name];
    if (job.enabled && !job.enabled(ctx)) continue;
    await boss.work(name, job.options, async ([taken]) => job.handler(taken as Job<unknown>, ctx));
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
