// The trainer's configuration from the environment, validated in one place. Each variable is read
// when it is used, not when this module loads: tests and the worker's supervisor set them at run
// time, and a bad value in one variable must not break code that never reads it.
import { z } from "zod";
import { BACKEND_NAMES } from "./backend/names";
import { TrainerError, type TrainerErrorCode } from "./errors";

export type EnvVars = Record<string, string | undefined>;

const THREADS = "must be a whole number ≥ 1";
const MEBIBYTES = "must be a whole number of MiB ≥ 16";

// The code says who is at fault: a misconfigured machine, which the queue may retry elsewhere.
const VARIABLES = {
  /** Forces one backend instead of the fastest that loads. */
  CATWALK_BACKEND: {
    schema: z.enum(BACKEND_NAMES, { error: `must be one of ${BACKEND_NAMES.join(", ")}` }),
    code: "BACKEND_UNAVAILABLE",
  },
  /** Data-parallel replicas per training run (worker/main.ts sets it when processes share the cores). */
  CATWALK_TRAIN_THREADS: {
    schema: z.coerce.number({ error: THREADS }).int({ error: THREADS }).min(1, { error: THREADS }),
    code: "BACKEND_UNAVAILABLE",
  },
  /**
   * The most GPU memory one training process may allocate on the webgpu backend, in MiB
   * (worker/main.ts sets it when several jobs share one GPU). Unset: the adapter's own limits.
   */
  CATWALK_GPU_MEMORY_MB: {
    schema: z.coerce.number({ error: MEBIBYTES }).int({ error: MEBIBYTES }).min(16, { error: MEBIBYTES }),
    code: "BACKEND_UNAVAILABLE",
  },
  /** A directory holding the four Fashion-MNIST files, searched first. */
  FASHION_MNIST_DIR: { schema: z.string(), code: "DATA_UNAVAILABLE" },
  /** Base of the download cache (default ~/.cache). */
  XDG_CACHE_HOME: { schema: z.string(), code: "DATA_UNAVAILABLE" },
} as const satisfies Record<string, { schema: z.ZodType; code: TrainerErrorCode }>;

type TrainerEnvName = keyof typeof VARIABLES;
type TrainerEnv = { [K in TrainerEnvName]?: z.output<(typeof VARIABLES)[K]["schema"]> };

/**
 * One variable, validated: undefined when unset or empty (as a shell's `VAR=` means), otherwise
 * its parsed value, or a TrainerError naming the variable and what it must be.
 */
export function readEnv<K extends TrainerEnvName>(name: K, env: EnvVars = process.env): TrainerEnv[K] {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const { schema, code } = VARIABLES[name];
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data as TrainerEnv[K];
  throw new TrainerError(code, `${name}=${JSON.stringify(raw)} is invalid: ${parsed.error.issues[0].message}`);
}
