// The shape of Submission.progress: written by the worker (worker/train-submission.ts), read by
// GraphQL (graphql/types.ts) and the live submission page. Browser-safe: types only.

import type { EpochMetrics } from "@/trainer";

/** One finished epoch, exactly as the trainer reports it. A type-only import: erased at build. */
export type EpochRecord = EpochMetrics;

export interface TrainingProgress {
  /** starting → training → done, or requeued when a stopped worker handed the run back. */
  phase?: "starting" | "training" | "done" | "requeued";
  /** The epoch running (with batch/batches) or, at an epoch's end, the one finished. */
  epoch?: number;
  maxEpochs?: number | null;
  batch?: number;
  batches?: number;
  samplesPerSec?: number;
  /** Upper bound: remaining epochs up to maxEpochs at the mean epoch time so far. */
  etaMs?: number;
  loss?: number;
  history?: EpochRecord[];
  /** Set when this attempt continued from a checkpoint: the epoch it resumed after. */
  resumedAfterEpoch?: number;
  updatedAt?: string;
  stopReason?: string;
  notes?: string[];
  /** Why the run was handed back to the queue (phase "requeued"). */
  reason?: string;
}
