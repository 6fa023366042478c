import type { Limits } from "@/lib/server/env";
import type { FashionMnist } from "@/trainer";
import type { CancelListener } from "./cancel-listener";

/** What one worker process hands every job handler (worker/jobs.ts). */
export interface WorkerContext {
  workerId: string;
  limits: Limits;
  listener: CancelListener;
  /**
   * The data set the worker's checks loaded (worker/readiness.ts), kept for every job; rejects
   * with DATA_UNAVAILABLE while the worker is not ready.
   */
  data: () => Promise<FashionMnist>;
  /** Fires when the process is asked to stop; the running job is handed back to the queue. */
  shutdown: AbortSignal;
  /** Also take `npm run bench:queue`'s no-op jobs (CATWALK_WORKER_BENCH). */
  takeBenchJobs: boolean;
}
