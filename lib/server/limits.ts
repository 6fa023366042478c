import { z } from "zod";

// Platform limits, set by the operator through the environment and enforced on the server.
const limitsSchema = z.object({
  /** Wall time one training job may take before it is stopped and failed. */
  CATWALK_MAX_TRAIN_SECONDS: z.coerce.number().int().min(10).default(3600),
  /** Upper bound on a submission's maxEpochs. */
  CATWALK_MAX_EPOCHS: z.coerce.number().int().min(1).default(100),
  /** Parameter budget of one architecture. */
  CATWALK_MAX_PARAMS: z.coerce.number().int().min(1000).default(5_000_000),
  /** Forward FLOPs per sample budget of one architecture. */
  CATWALK_MAX_FLOPS: z.coerce.number().int().min(1000).default(200_000_000),
  /** Attempts of one job after the first (a worker died, or the machine failed). */
  CATWALK_JOB_RETRIES: z.coerce.number().int().min(0).max(20).default(3),
  /** How long a silent worker keeps its job before another may take it. pg-boss minimum: 10. */
  CATWALK_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).default(30),
  /** How often pg-boss looks for dead workers' jobs. */
  CATWALK_QUEUE_MONITOR_SECONDS: z.coerce.number().min(1).default(15),
});

export type Limits = {
  maxTrainSeconds: number;
  maxEpochs: number;
  maxParams: number;
  maxFlops: number;
  jobRetries: number;
  heartbeatSeconds: number;
  monitorSeconds: number;
};

export function readLimits(env: NodeJS.ProcessEnv = process.env): Limits {
  const e = limitsSchema.parse(env);
  return {
    maxTrainSeconds: e.CATWALK_MAX_TRAIN_SECONDS,
    maxEpochs: e.CATWALK_MAX_EPOCHS,
    maxParams: e.CATWALK_MAX_PARAMS,
    maxFlops: e.CATWALK_MAX_FLOPS,
    jobRetries: e.CATWALK_JOB_RETRIES,
    heartbeatSeconds: e.CATWALK_HEARTBEAT_SECONDS,
    monitorSeconds: e.CATWALK_QUEUE_MONITOR_SECONDS,
  };
}
