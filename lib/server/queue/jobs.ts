import type { Queue } from "pg-boss";
import { z } from "zod";
import { readLimits } from "../limits";

// Job definitions are data: a name, the payload schema the consumer checks, and the queue's
// retry/expiry policy. The web app only sends; handlers live with the worker (worker/handlers.ts).

export interface JobDefinition<Payload extends z.ZodType = z.ZodType> {
  name: string;
  payload: Payload;
  queue: Omit<Queue, "name">;
}

function defineJob<P extends z.ZodType>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}

const limits = readLimits();

const submissionPayload = z.object({ submissionId: z.string().min(1).max(64) });

/** When every attempt at training a submission failed (worker deaths), the submission is failed here. */
export const trainSubmissionDead = defineJob({
  name: "train-submission-dead",
  payload: submissionPayload,
  queue: { retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 },
});

export const trainSubmission = defineJob({
  name: "train-submission",
  payload: submissionPayload,
  queue: {
    policy: "standard",
    // Workers LISTEN, so an idle worker starts a new job at once instead of at its next poll.
    notify: true,
    // Retries exist for crashed or stopped workers; a submission that fails on its own merits
    // (bad architecture, NaN loss) is failed by the handler without a retry.
    retryLimit: limits.jobRetries,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 120,
    // A live worker heartbeats; a silent one loses the job after heartbeatSeconds. Expiry is
    // the backstop above the longest allowed training.
    heartbeatSeconds: limits.heartbeatSeconds,
    expireInSeconds: limits.maxTrainSeconds + 600,
    deadLetter: trainSubmissionDead.name,
  },
});

/** A job that does nothing: used by `npm run bench:queue` to measure the queue itself. */
export const benchNoop = defineJob({
  name: "bench-noop",
  payload: z.object({ sentAt: z.number() }),
  queue: { retryLimit: 0, expireInSeconds: 60, notify: true },
});

// Dead-letter queues must exist before the queues that name them.
export const ALL_JOBS: readonly JobDefinition[] = [trainSubmissionDead, trainSubmission, benchNoop];
