import "server-only";
import type { Queue } from "pg-boss";
import { z } from "zod";
import type { Limits } from "../env";

// Job definitions are data: a name, the payload schema the consumer checks, and the queue's
// retry/expiry policy. The web app only sends them (queue/boss.ts sendJob); the worker binds each
// to its handler in worker/jobs.ts, where a definition without a handler fails the type check.

export interface JobDefinition<Payload extends z.ZodType = z.ZodType> {
  name: string;
  payload: Payload;
  /** The queue's policy under the platform's limits (read when queues are created, not at import). */
  queue: (limits: Limits) => Omit<Queue, "name">;
}

function defineJob<const Name extends string, P extends z.ZodType>(
  definition: JobDefinition<P> & { name: Name },
): JobDefinition<P> & { name: Name } {
  return definition;
}

const submissionPayload = z.object({ submissionId: z.string().min(1).max(64) });

/** When every attempt at training a submission failed (worker deaths), the submission is failed here. */
export const trainSubmissionDead = defineJob({
  name: "train-submission-dead",
  payload: submissionPayload,
  queue: () => ({ retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 }),
});

/**
 * What jobs a worker runs for a submission share: workers LISTEN, so an idle one starts a new job
 * at once instead of at its next poll; retries exist for crashed or stopped workers (a submission
 * that fails on its own merits is failed by the handler without a retry), backed off and bounded;
 * a live worker heartbeats, a silent one loses the job after heartbeatSeconds.
 */
const workerJobPolicy = (limits: Limits) =>
  ({
    policy: "standard",
    notify: true,
    retryLimit: limits.jobRetries,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 120,
    heartbeatSeconds: limits.heartbeatSeconds,
  }) as const;

export const trainSubmission = defineJob({
  name: "train-submission",
  payload: submissionPayload,
  queue: (limits) => ({
    ...workerJobPolicy(limits),
    // The backstop above the longest allowed training.
    expireInSeconds: limits.maxTrainSeconds + 600,
    deadLetter: trainSubmissionDead.name,
  }),
});

/**
 * Scores a stored model on the test set again (a re-evaluation): seconds of inference, no
 * training. Retried like training when a worker dies under it; nothing is lost either way, the
 * old scores stand until the new ones commit.
 */
export const evaluateSubmission = defineJob({
  name: "evaluate-submission",
  payload: submissionPayload,
  queue: (limits) => ({ ...workerJobPolicy(limits), expireInSeconds: 600 }),
});

/** A job that does nothing: used by `npm run bench:queue` to measure the queue itself. */
export const benchNoop = defineJob({
  name: "bench-noop",
  payload: z.object({ sentAt: z.number() }),
  queue: () => ({ retryLimit: 0, expireInSeconds: 60, notify: true }),
});

// Dead-letter queues must exist before the queues that name them.
export const ALL_JOBS = [trainSubmissionDead, trainSubmission, evaluateSubmission, benchNoop] as const;

export type JobName = (typeof ALL_JOBS)[number]["name"];
