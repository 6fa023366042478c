// `npm run worker`: starts the trainer worker processes for this machine and keeps them alive.
// Scale out by running this on more machines against the same DATABASE_URL: workers coordinate
// only through the queue tables in Postgres.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { SERVER_NODE_ARGS } from "@/lib/node-args";
import { serverEnv } from "@/lib/server/env";
import { type MachineGpus, planWorkers } from "./gpu-plan";

// From the sources: worker/process.ts under tsx with the server condition (lib/node-args.ts).
// Compiled into a bundle (scripts/gpu-bundle), this file is JavaScript beside the compiled
// process entry, already resolved under that condition: plain Node runs it.
const COMPILED = !import.meta.url.endsWith(".ts");
const PROCESS_ENTRY = fileURLToPath(new URL(COMPILED ? "./process.mjs" : "./process.ts", import.meta.url));
const NODE_ARGS: readonly string[] = COMPILED ? [] : SERVER_NODE_ARGS;

/** The GPUs nvidia-smi lists (with their memory), none when it is absent or fails. */
function nvidiaGpus(): MachineGpus["nvidia"] {
  try {
    return execFileSync("nvidia-smi", ["--query-gpu=memory.total", "--format=csv,noheader,nounits"], {
      encoding: "utf8",
      timeout: 5000,
    })
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => {
        const mib = Number(l.trim());
        return { memoryMiB: Number.isFinite(mib) && mib > 0 ? mib : null };
      });
  } catch {
    return [];
  }
}

const env = serverEnv();
const tfjsNodeGpu = existsSync(
  fileURLToPath(new URL("../node_modules/@tensorflow/tfjs-node-gpu/package.json", import.meta.url)),
);
const plan = planWorkers(
  { ...env, CATWALK_BACKEND: process.env.CATWALK_BACKEND || undefined },
  { cores: availableParallelism(), tfjsNodeGpu, nvidia: nvidiaGpus() },
);

const children = new Map<number, ChildProcess>();
const restarts = new Map<number, number>();
let stopping = false;

function startChild(slot: number): void {
  const child = spawn(process.execPath, [...NODE_ARGS, PROCESS_ENTRY], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, ...plan.envFor(slot) },
  });
  children.set(slot, child);
  child.on("exit", (code, signal) => {
    children.delete(slot);
    if (stopping) {
      if (children.size === 0) process.exit(0);
      return;
    }
    // A crashed worker's job is retried by the queue (heartbeat timeout); start a fresh one.
    const count = restarts.get(slot) ?? 0;
    restarts.set(slot, count + 1);
    const delay = Math.min(30_000, 1000 * 2 ** count);
    console.error(`[worker] process ${slot} exited (code ${code}, signal ${signal}); restarting in ${delay} ms`);
    setTimeout(() => startChild(slot), delay);
  });
  child.on("message", (message: { type?: string }) => {
    // Once a child is healthy its restart backoff starts over.
    if (message?.type === "ready") restarts.set(slot, 0);
  });
}

console.log(`[worker] starting ${plan.description}`);
for (let slot = 0; slot < plan.processes; slot++) startChild(slot);

const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  if (children.size === 0) process.exit(0);
  for (const child of children.values()) child.kill(signal);
  // If a child ignores us, don't hang forever.
  setTimeout(() => {
    for (const child of children.values()) child.kill("SIGKILL");
    process.exit(1);
  }, 45_000).unref();
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGTERM"));
