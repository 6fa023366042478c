import type { ChildProcess } from "node:child_process";
import { db } from "@/lib/server/db";
import { spawnWorker } from "./worker-process";

export interface WorkerHandle {
  process: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

const running = new Set<WorkerHandle>();

/**
 * Starts a real worker process (worker/process.ts) against the test database, resolved once it
 * takes jobs (or, with `until: "started"`, once it has registered, before its checks).
 */
export async function startWorker(
  extraEnv: Record<string, string> = {},
  { until = "ready" }: { until?: "ready" | "started" } = {},
): Promise<WorkerHandle> {
  const { child, output, exited } = await spawnWorker({
    env: { ...process.env, ...extraEnv },
    readyTimeoutMs: 60_000,
    until,
  });
  const handle: WorkerHandle = {
    process: child,
    pid: child.pid!,
    output,
    exited,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      running.delete(handle);
    },
  };
  running.add(handle);
  return handle;
}

export async function stopAllWorkers(): Promise<void> {
  await Promise.all([...running].map((w) => w.stop("SIGKILL")));
}

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export async function submissionState(id: string) {
  const row = await db.submission.findUniqueOrThrow({
    where: { id },
    select: {
      status: true,
      attempts: true,
      failureReason: true,
      progress: true,
      cancelRequestedAt: true,
      workerId: true,
      result: { select: { id: true } },
    },
  });
  return { ...row, resultCount: row.result ? 1 : 0 };
}

export async function waitForStatus(id: string, statuses: string[], timeoutMs = 90_000) {
  return waitFor(
    `submission ${id} to be ${statuses.join("/")}`,
    async () => {
      const state = await submissionState(id);
      return statuses.includes(state.status) ? state : null;
    },
    timeoutMs,
  );
}

/** Waits until the worker has written progress for at least `epoch` finished epochs. */
export async function waitForEpoch(id: string, epoch: number, timeoutMs = 60_000) {
  return waitFor(
    `submission ${id} to finish epoch ${epoch}`,
    async () => {
      const state = await submissionState(id);
      const progress = state.progress as { history?: unknown[] } | null;
      return state.status === "RUNNING" && (progress?.history?.length ?? 0) >= epoch ? state : null;
    },
    timeoutMs,
  );
}
