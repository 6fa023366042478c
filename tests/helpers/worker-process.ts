// A real trainer worker (worker/process.ts) as a child process, resolved once it has sent its
// "ready" message over IPC (its checks passed and it takes jobs), or "started" (it is registered
// in the Worker table, checks still to come: for tests of unhealthy workers). Shared by the queue tests (workers.ts) and Playwright's set-up, which
// must not load the app's database module that workers.ts brings along.

import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SERVER_NODE_ARGS } from "../../lib/node-args";
import { type ExitStatus, exited } from "../../scripts/platform/processes";

const ENTRY = fileURLToPath(new URL("../../worker/process.ts", import.meta.url));

export interface SpawnedWorker {
  child: ChildProcess;
  /** Everything the worker printed so far. */
  output: () => string;
  exited: Promise<ExitStatus>;
}

export interface SpawnWorkerOptions {
  env: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
  /** Its own process group, so that the whole tree can be signalled at once. */
  detached?: boolean;
  /** The message to wait for (default "ready"). */
  until?: "ready" | "started";
}

export async function spawnWorker(options: SpawnWorkerOptions): Promise<SpawnedWorker> {
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, ENTRY], {
    env: options.env,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    detached: options.detached ?? false,
  });
  let log = "";
  child.stdout!.on("data", (chunk) => (log += chunk));
  child.stderr!.on("data", (chunk) => (log += chunk));
  const done = exited(child);
  await new Promise<void>((resolve, reject) => {
    const until = options.until ?? "ready";
    const timer = setTimeout(
      () => reject(new Error(`worker did not send "${until}":\n${log}`)),
      options.readyTimeoutMs,
    );
    child.on("message", (message: { type?: string }) => {
      if (message?.type === until) {
        clearTimeout(timer);
        resolve();
      }
    });
    void done.then(({ code }) => reject(new Error(`worker exited early (code ${code}):\n${log}`)));
  });
  return { child, output: () => log, exited: done };
}
