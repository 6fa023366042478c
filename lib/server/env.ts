import "server-only";
import proxyaddr from "proxy-addr";
import { z } from "zod";
import { DEFAULT_LIMITS } from "@/trainer/arch";

// The one place the web app and the worker read their configuration: every variable is declared
// here with its type, bounds and default, and nothing else reads `process.env` (Biome's
// noProcessEnv rule holds the rest of the tree to it). The trainer has its own module
// (trainer/env.ts), as it runs without the app; the launcher has scripts/platform/env.ts.
//
// It is read at call time, not frozen at import: `next build` imports pages without a database,
// and tests change limits between cases. Parsing is a few microseconds, far below anything that
// reads it (a database round trip).

/** An empty variable means "not set", as in most shells' `FOO= cmd`. */
const unset = (value: unknown) => (value === "" ? undefined : value);
const int = (min: number, fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(unset, z.coerce.number().int().min(min).max(max).default(fallback));
const flag = (fallback: boolean) =>
  z
    .preprocess(unset, z.enum(["0", "1", "true", "false"]).default(fallback ? "1" : "0"))
    .transform((v) => v === "1" || v === "true");

/** A comma-separated list of proxy addresses, each checked the way proxy-addr will read it. */
const trustList = z.preprocess(
  (value) => (typeof value === "string" ? value : ""),
  z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .superRefine((entries, ctx) => {
      for (const entry of entries) {
        try {
          proxyaddr.compile(entry);
        } catch {
          ctx.addIssue({
            code: "custom",
            message: `"${entry}" is not an IP address, a CIDR range or a proxy-addr name`,
          });
        }
      }
    }),
);

const schema = z.object({
  /**
   * Set by Next (`next dev`: development; `next build` and `next start`: production). Only
   * "development" changes anything (the CSP's allowances for the dev tools), so any other value is
   * accepted rather than failing every request.
   */
  NODE_ENV: z.preprocess(unset, z.string().default("production")),
  /** PostgreSQL for the app, the queue and the rate limits. Needed at first query, not at build. */
  DATABASE_URL: z.preprocess(unset, z.string().min(1).optional()),
  /** Connections in this process's Prisma pool. */
  CATWALK_DB_POOL_SIZE: int(1, 10),
  /** Emit Prisma query events, for tests that count statements (db.ts recordQueries). */
  CATWALK_QUERY_EVENTS: flag(false),
  /** The leaderboard's row and GraphQL answer caches (exact; off only to measure without them). */
  CATWALK_LEADERBOARD_CACHE: flag(true),
  /**
   * The web server's in-process copies of tokens, sessions and class access, emptied by NOTIFY on
   * every change (lib/server/access-cache.ts). Off: every request reads them from the database.
   */
  CATWALK_ACCESS_CACHE: flag(true),

  /** Wall time one training job may take before it is stopped and failed. */
  CATWALK_MAX_TRAIN_SECONDS: int(10, 3600),
  /**
   * Least time between two checkpoints of a training run (a retried job resumes from the last
   * one). 0: after every epoch. The last epoch is always checkpointed.
   */
  CATWALK_CHECKPOINT_SECONDS: int(0, 60, 86_400),
  /** Upper bound on a submission's maxEpochs. */
  CATWALK_MAX_EPOCHS: int(1, 100),
  /** Parameter budget of one architecture (the trainer's own default). */
  CATWALK_MAX_PARAMS: int(1000, DEFAULT_LIMITS.maxParams),
  /** Forward FLOPs per sample budget of one architecture (the trainer's own default). */
  CATWALK_MAX_FLOPS: int(1000, DEFAULT_LIMITS.maxFlops),
  /** Attempts of one job after the first (a worker died, or the machine failed). */
  CATWALK_JOB_RETRIES: int(0, 3, 20),
  /**
   * How long a silent worker keeps its job before another may take it (pg-boss minimum: 10), and
   * how old a worker's last heartbeat may be before /api/health and the manage page call it lost.
   */
  CATWALK_HEARTBEAT_SECONDS: int(10, 30),
  /**
   * Longest wait between an unhealthy worker's checks (backend, data set, a tiny training run): the
   * first retry is after 1 s, each next one waits twice as long, up to this.
   */
  CATWALK_WORKER_RECHECK_SECONDS: int(1, 30, 3600),
  /** How often pg-boss looks for dead workers' jobs. */
  CATWALK_QUEUE_MONITOR_SECONDS: z.preprocess(unset, z.coerce.number().min(1).default(15)),

  /**
   * Proxies whose X-Forwarded-For is believed: addresses, CIDRs or proxy-addr's names (loopback,
   * linklocal, uniquelocal), comma-separated. Default none: the client is the socket's peer.
   */
  CATWALK_TRUSTED_PROXIES: trustList,
  /** Failed sign-ins in a row for one account from one address before each further one waits. */
  CATWALK_RATE_SIGNIN_FREE_FAILURES: int(1, 5),
  /** The longest wait between failed sign-ins (the wait doubles from 1 s up to this). */
  CATWALK_RATE_SIGNIN_MAX_DELAY_SECONDS: int(1, 900),
  /** Failed sign-ins from one address per day, over all accounts, before it is refused until the day is over. */
  CATWALK_RATE_SIGNIN_FAILURES_PER_ADDRESS_PER_DAY: int(1, 100),
  CATWALK_RATE_SIGNUP_PER_HOUR: int(1, 20),
  CATWALK_RATE_SUBMIT_PER_MINUTE: int(1, 10),
  /** CSP violation reports logged per minute by one web process (the rest are counted, then summed up). */
  CATWALK_CSP_REPORT_LOG_PER_MINUTE: int(0, 30, 10_000),

  /** Worker processes on this machine (default: one per GPU with tfjs-node-gpu, else one). */
  CATWALK_WORKER_CONCURRENCY: z.preprocess(unset, z.coerce.number().int().min(1).max(64).optional()),
  /** Training threads per worker process, when the operator sets it (the trainer reads it too). */
  CATWALK_TRAIN_THREADS: z.preprocess(unset, z.coerce.number().int().min(1).optional()),
  /** Workers also take `npm run bench:queue`'s no-op jobs. */
  CATWALK_WORKER_BENCH: flag(false),
  /**
   * Training jobs that share one GPU on the webgpu backend (worker/main.ts runs this many worker
   * processes, each with its own device). Default on a machine with an NVIDIA GPU and no
   * tfjs-node-gpu, or with CATWALK_BACKEND=webgpu: GPU_JOBS_DEFAULT in worker/gpu-plan.ts.
   */
  CATWALK_GPU_JOBS: z.preprocess(unset, z.coerce.number().int().min(1).max(64).optional()),
  /** GPU memory one job may allocate, in MiB (default: 90 % of the GPU's, split across the jobs). */
  CATWALK_GPU_MEMORY_MB: z.preprocess(unset, z.coerce.number().int().min(16).optional()),
  /**
   * Tests only: SIGUSR2 makes a worker process destroy its GPU device, which is what a driver
   * reset looks like to it (tests/faults/gpu-device-loss.test.ts).
   */
  CATWALK_FAULT_INJECTION: flag(false),
});

export type ServerEnv = z.output<typeof schema>;

/** A variable with a value the app can't use; the message names each one. */
export class EnvError extends Error {
  override name = "EnvError";
}

export function readServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  throw new EnvError(`Invalid environment: ${problems.join("; ")}`);
}

/** This process's configuration, read now. */
export function serverEnv(): ServerEnv {
  return readServerEnv(process.env);
}

/**
 * One variable, read and checked now by its own rule: for per-request switches, where parsing the
 * whole environment (~10–25 µs) would be a measurable share of a cached answer.
 */
export function serverEnvValue<K extends keyof ServerEnv>(name: K): ServerEnv[K] {
  const parsed = schema.shape[name].safeParse(process.env[name]);
  if (parsed.success) return parsed.data as ServerEnv[K];
  throw new EnvError(`Invalid environment: ${name}: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
}

/** The database URL, or the error that says how to get one. */
export function databaseUrl(): string {
  const url = serverEnv().DATABASE_URL;
  if (!url) throw new EnvError("DATABASE_URL is not set: start the platform with `npm start`, or set it.");
  return url;
}

/** Platform limits, set by the operator and enforced on the server. */
export interface Limits {
  maxTrainSeconds: number;
  maxEpochs: number;
  maxParams: number;
  maxFlops: number;
  jobRetries: number;
  heartbeatSeconds: number;
  monitorSeconds: number;
  checkpointSeconds: number;
}

export function readLimits(env: ServerEnv = serverEnv()): Limits {
  return {
    maxTrainSeconds: env.CATWALK_MAX_TRAIN_SECONDS,
    maxEpochs: env.CATWALK_MAX_EPOCHS,
    maxParams: env.CATWALK_MAX_PARAMS,
    maxFlops: env.CATWALK_MAX_FLOPS,
    jobRetries: env.CATWALK_JOB_RETRIES,
    heartbeatSeconds: env.CATWALK_HEARTBEAT_SECONDS,
    monitorSeconds: env.CATWALK_QUEUE_MONITOR_SECONDS,
    checkpointSeconds: env.CATWALK_CHECKPOINT_SECONDS,
  };
}
