import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SERVER_NODE_ARGS } from "@/lib/node-args";
import { db } from "@/lib/server/db";

const ENTRY = fileURLToPath(new URL("../../worker/process.ts", import.meta.url));

export interface WorkerHandle {
  process: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

const running = new Set<WorkerHandle>();

/** Starts a real worker process (worker/process.ts) against the test database. */
export async function startWorker(extraEnv: Record<string, string> = {}): Promise<WorkerHandle> {
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, ENTRY], {
    env: { ...process.env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let log = "";
  child.stdout!.on("data", (chunk) => (log += chunk));
  child.stderr!.on("data", (chunk) => (log += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not become ready:\n${log}`)), 60_000);
    child.on("message", (message: { type?: string }) => {
      if (message?.type === "ready") {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(({ code }) => reject(new Error(`worker exited early (code ${code}):\n${log}`)));
  });
  const handle: WorkerHandle = {
    process: child,
    pid: child.pid!,
    output: () => log,
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
