import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** Forwards each line of a child's stdout/stderr to `onLine`, so several children can share a terminal. */
export function forwardLines(child: ChildProcess, onLine: (line: string, stream: "stdout" | "stderr") => void): void {
  for (const stream of ["stdout", "stderr"] as const) {
    const source = child[stream];
    if (!source) continue;
    createInterface({ input: source, crlfDelay: Infinity }).on("line", (line) => onLine(line, stream));
  }
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves when the child has exited (immediately if it already has). */
export function exited(child: ChildProcess): Promise<ExitStatus> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** Resolves true if the promise settles within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks a child to stop with `signal`, escalating to SIGKILL after `graceMs`. Children are
 * expected to shut down cleanly; the escalation only guarantees that nothing outlives us.
 */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<ExitStatus> {
  const done = exited(child);
  if (child.exitCode !== null || child.signalCode !== null) return done;
  child.kill(signal);
  if (!(await settlesWithin(done, graceMs))) child.kill("SIGKILL");
  return done;
}

/** Runs a command to completion, passing each output line to `onLine`; resolves with its exit status. */
export function runToCompletion(
  command: string,
  args: string[],
  options: SpawnOptions,
  onLine: (line: string, stream: "stdout" | "stderr") => void,
  onSpawn?: (child: ChildProcess) => void,
): Promise<ExitStatus> {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  onSpawn?.(child);
  forwardLines(child, onLine);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Calls `handler` once on the first of SIGINT/SIGTERM/SIGHUP; later signals only log, so a
 * second Ctrl-C cannot cut a clean shutdown short. Returns a function removing the handlers.
 */
export function onShutdownSignal(handler: (signal: NodeJS.Signals) => void, log: (line: string) => void): () => void {
  let firstAt: number | undefined;
  const listener = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      // A terminal's Ctrl-C reaches us twice at once (directly, and relayed by npm/tsx); only a
      // later, deliberate repeat is worth a word.
      if (Date.now() - firstAt > 500) log(`${signal} received again; still shutting down cleanly.`);
      return;
    }
    firstAt = Date.now();
    handler(signal);
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, listener);
  return () => {
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, listener);
  };
}

/**
 * Calls `handler` once if the process that launched us goes away. `npm start` forwards SIGTERM
 * only to its shell, which dies without passing it on; we would keep running, orphaned, with
 * the web server and database. Being re-parented is the one portable sign of that.
 */
export function onLauncherExit(handler: () => void, intervalMs = 1_000): () => void {
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== launcher) {
      clearInterval(timer);
      handler();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
