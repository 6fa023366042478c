// One trainer worker process: takes train-submission jobs from the queue one at a time.
// Started by worker/main.ts (which runs one per GPU, or the configured number); run this file
// directly only for debugging.
//
// It takes training jobs only while it is healthy: its checks (worker/readiness.ts: the backend,
// the data set, a tiny training run) pass before the first boss.work, and a job that still finds
// the machine at fault (DATA_UNAVAILABLE, BACKEND_UNAVAILABLE) is handed back without using an
// attempt and sends the worker back to its checks. Meanwhile it reports itself in the Worker
// table (worker/presence.ts), which /api/health, the manage page and the submission page read.
import { hostname } from "node:os";
import type { Job, PgBoss } from "pg-boss";
import { disconnectDb } from "@/lib/server/db";
import { databaseUrl, readLimits, serverEnv } from "@/lib/server/env";
import { startWorkerBoss } from "@/lib/server/queue/boss";
import { ALL_JOBS, trainSubmission } from "@/lib/server/queue/jobs";
import { backendLabel, loseWebGpuDevice, TrainerError } from "@/trainer";
import { CancelListener } from "./cancel-listener";
import type { WorkerContext } from "./context";
import { handBack } from "./hand-back";
import { WORKER_JOBS, type WorkerJob } from "./jobs";
import { Presence } from "./presence";
import { type Readiness, waitUntilReady } from "./readiness";
import { isHandedBack } from "./train-submission";

const workerId = `${hostname()}:${process.pid}`;
const log = (message: string) => console.log(`[worker ${workerId}] ${message}`);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

async function main(): Promise<void> {
  const connectionString = databaseUrl();
  const env = serverEnv();
  const limits = readLimits(env);
  const recheckMaxMs = env.CATWALK_WORKER_RECHECK_SECONDS * 1000;
  const shutdown = new AbortController();

  if (env.CATWALK_FAULT_INJECTION) {
    // Tests only: what a driver reset looks like to this process (the device is destroyed).
    process.on("SIGUSR2", () => log(`fault injection: GPU device ${loseWebGpuDevice() ? "destroyed" : "not set up"}`));
  }
  const boss: PgBoss = await startWorkerBoss();
  // A few heartbeats per timeout, so one slow write doesn't make a live worker look lost.
  const heartbeatMs = Math.max(1000, Math.min(5000, (limits.heartbeatSeconds * 1000) / 3));
  const presence = new Presence(workerId, hostname(), process.pid, heartbeatMs, log);
  await presence.start();
  process.send?.({ type: "started" });
  const listener = new CancelListener(connectionString);
  await listener.start();

  let ready: Readiness | undefined;
  const ctx: WorkerContext = {
    workerId,
    limits,
    listener,
    shutdown: shutdown.signal,
    takeBenchJobs: env.CATWALK_WORKER_BENCH,
    data: async () => {
      if (!ready) throw new TrainerError("DATA_UNAVAILABLE", "this worker has not loaded the data set");
      return ready.data;
    },
  };

  // Jobs that need no training (the dead-letter queue, the benchmark's no-ops) run whatever the
  // checks say: they only write to the database.
  for (const { name } of ALL_JOBS) {
    const job: WorkerJob = WORKER_JOBS[name];
    if (name === trainSubmission.name || (job.enabled && !job.enabled(ctx))) continue;
    await boss.work(name, job.options, async ([taken]) => job.handler(taken as Job<unknown>, ctx));
  }

  const training: WorkerJob = WORKER_JOBS[trainSubmission.name];
  let workId: string | undefined;
  /** In-job machine faults in a row: each makes the next checks wait longer (1 s, 2 s, 4 s, …). */
  let machineFaults = 0;
  /** Set while the worker is on its way back to healthy: one way back at a time. */
  let recovering = false;

  const runTrainingJob = async (job: Job<unknown>): Promise<object> => {
    const parsed = trainSubmission.payload.safeParse(job.data);
    const submissionId = parsed.success ? parsed.data.submissionId : null;
    if (!ready && submissionId) {
      // Fetched just as this worker turned unhealthy: give it back untouched.
      await handBack({ job, submissionId, claimedBy: null, reason: "a trainer stopped before it could start" });
      return { skipped: "worker not ready" };
    }
    void presence.update({ submissionId });
    try {
      const result = await training.handler(job, ctx);
      if (isHandedBack(result)) {
        machineFaults++;
        becomeUnhealthy(result.handedBack);
      } else {
        machineFaults = 0;
      }
      return result;
    } finally {
      void presence.update({ submissionId: null, jobsDone: presence.current.jobsDone + 1 });
    }
  };

  /** Runs the checks until they pass (backing off), then takes training jobs. */
  const becomeReady = async (): Promise<void> => {
    const readiness = await waitUntilReady({
      signal: shutdown.signal,
      firstDelayMs: 1000,
      maxDelayMs: recheckMaxMs,
      onUnhealthy: async (reason, retryInMs) => {
        log(`unhealthy, taking no jobs: ${reason} (checking again in ${Math.round(retryInMs / 1000)} s)`);
        await presence.update({ health: "UNHEALTHY", reason });
      },
    });
    if (shutdown.signal.aborted) return;
    ready = readiness;
    await presence.update({ health: "HEALTHY", reason: null, backend: backendLabel(readiness.backend) });
    workId = await boss.work(trainSubmission.name, training.options, async ([taken]) =>
      runTrainingJob(taken as Job<unknown>),
    );
    const { backend, data } = readiness;
    log(
      `ready: backend ${backendLabel(backend)}${backend.skipped.length ? ` (skipped: ${backend.skipped.join("; ")})` : ""}, ` +
        `${data.train.count} + ${data.test.count} images from ${data.source} ` +
        `(heartbeat ${limits.heartbeatSeconds} s, retries ${limits.jobRetries}, time limit ${limits.maxTrainSeconds} s)`,
    );
    process.send?.({ type: "ready" });
  };

  /** Stops taking training jobs and goes back to the checks (the data is loaded afresh). */
  const becomeUnhealthy = (reason: string): void => {
    ready = undefined;
    if (recovering) return;
    recovering = true;
    void (async () => {
      log(`unhealthy, taking no jobs: ${reason}`);
      await presence.update({ health: "UNHEALTHY", reason });
      const id = workId;
      workId = undefined;
      // Waits for the job that brought us here to settle; the handler does not wait for this.
      if (id) await boss.offWork(trainSubmission.name, { id, wait: true });
      await sleep(Math.min(recheckMaxMs, 1000 * 2 ** (machineFaults - 1)), shutdown.signal);
      await becomeReady();
    })()
      .catch((error) => {
        if (!shutdown.signal.aborted) console.error(`[worker ${workerId}] recovery failed:`, error);
      })
      .finally(() => {
        recovering = false;
      });
  };

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping; a running job goes back to the queue`);
    shutdown.abort();
    // Stop taking jobs and wait for the running handler to hand its job back.
    await boss.stop({ graceful: true, timeout: 30_000 }).catch((error) => console.error(error));
    await presence.remove();
    await listener.stop();
    await disconnectDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  await becomeReady().catch((error) => {
    // A stop during the checks ends them with an AbortError: that is the stop's business.
    if (!shutdown.signal.aborted) throw error;
  });
}

main().catch((error) => {
  console.error(`[worker ${workerId}] failed to start:`, error);
  process.exit(1);
});
