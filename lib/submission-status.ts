import { SubmissionStatus } from "@/generated/prisma/enums";

// The two halves of a submission's life, from Prisma's generated enum: browser-safe, so the live
// pages, the services and the worker agree on which statuses are final.

/** Waiting for or holding a worker. */
export const ACTIVE_STATUSES = [SubmissionStatus.QUEUED, SubmissionStatus.RUNNING] as const;

/** Finished one way or another: nothing will change it but a re-score. */
export const TERMINAL_STATUSES = [
  SubmissionStatus.SUCCEEDED,
  SubmissionStatus.FAILED,
  SubmissionStatus.CANCELLED,
] as const;

export function isActive(status: SubmissionStatus): boolean {
  return (ACTIVE_STATUSES as readonly SubmissionStatus[]).includes(status);
}

export function isTerminal(status: SubmissionStatus): boolean {
  return (TERMINAL_STATUSES as readonly SubmissionStatus[]).includes(status);
}
