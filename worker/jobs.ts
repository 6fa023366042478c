import type { Job, WorkOptions } from "pg-boss";
import {
  benchNoop,
  evaluateSubmission,
  type JobName,
  trainSubmission,
  trainSubmissionDead,
} from "@/lib/server/queue/jobs";
import type { WorkerContext } from "./context";
import { handleEvaluateSubmission } from "./evaluate-submission";
import { handleDeadTrainSubmission, handleTrainSubmission } from "./train-submission";

// Each job definition (lib/server/queue/jobs.ts) bound to the handler that runs it and to how this
// worker takes its jobs. `satisfies Record<JobName, …>` makes a definition without a handler a
// type error, so a job the web app can send always has a consumer.

export interface WorkerJob {
  handler: (job: Job<unknown>, ctx: WorkerContext) => Promise<object>;
  options: WorkOptions;
  /** Whether this process takes the job at all. */
  enabled?: (ctx: WorkerContext) => boolean;
}

export const WORKER_JOBS = {
  [trainSubmission.name]: {
    handler: handleTrainSubmission,
    // One job at a time per process (a training run is minutes long: a batch would only hold jobs
    // hostage in a busy worker). With NOTIFY a new job wakes an idle worker at once; the 2 s poll
    // still picks up jobs that became runnable without one (a student's next job, once their
    // running one ends). With a backlog, fetch the next job as soon as one ends (burst).
    options: {
      localConcurrency: 1,
      pollingIntervalSeconds: 2,
      notifyPollingIntervalSeconds: 2,
      burstWhenReadyExceeds: 1,
      groupConcurrency: 1,
    },
  },
  [trainSubmissionDead.name]: {
    handler: (job) => handleDeadTrainSubmission(job),
    options: { pollingIntervalSeconds: 2 },
  },
  [evaluateSubmission.name]: {
    handler: handleEvaluateSubmission,
    // Seconds of inference: one at a time, picked up between training jobs (each process runs one
    // job of each kind, and inference beside a training run only slows both a little).
    options: { localConcurrency: 1, pollingIntervalSeconds: 2 },
  },
  [benchNoop.name]: {
    handler: async () => ({}),
    options: { localConcurrency: 1, pollingIntervalSeconds: 2, burstWhenReadyExceeds: 1 },
    enabled: (ctx) => ctx.takeBenchJobs,
  },
} satisfies Record<JobName, WorkerJob>;
