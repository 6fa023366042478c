import { fromPrisma, type Job } from "pg-boss";
import { db } from "@/lib/server/db";
import { getBoss, sendJob } from "@/lib/server/queue/boss";
import { trainSubmission } from "@/lib/server/queue/jobs";
import { withDbRetry } from "./retry";

// Giving a job back when the fault is the machine's (its data set or backend went away), without
// using up any of the student's attempts. pg-boss counts every failed attempt as a retry of that
// job, so failing it is not an option: the attempt is completed instead and a fresh job with the
// same payload and the same group (still one running job per student, across all workers) is
// sent, in one transaction with the submission's return to QUEUED. Either all of that commits or
// none of it does, so the submission never ends up without a job, nor with two.

export interface HandBack {
  job: Job<unknown>;
  submissionId: string;
  /** The worker that claimed the submission (QUEUED → RUNNING) for this attempt, if it did. */
  claimedBy: string | null;
  /** Why, shown on the submission page while it waits (progress.reason). */
  reason: string;
}

/** Whether the job was handed back (false: this attempt was no longer ours to give). */
export async function handBack({ job, submissionId, claimedBy, reason }: HandBack): Promise<boolean> {
  const boss = await getBoss();
  return withDbRetry("hand back", () =>
    db.$transaction(async (tx) => {
      // Fenced to the attempt this worker fetched: if the job was retried elsewhere or cancelled
      // meanwhile, it is not ours to hand back, and nothing else below may happen either.
      const completed = await boss.complete(
        job.name,
        { id: job.id, retryCount: job.retryCount },
        { handedBack: reason },
        { db: fromPrisma(tx) },
      );
      // pg-boss 12 types CommandResponse as an empty interface; at run time it carries the count.
      if ((completed as { affected?: number }).affected !== 1) return false;
      const group = job.groupId ? { id: job.groupId, ...(job.groupTier ? { tier: job.groupTier } : {}) } : undefined;
      const jobId = await sendJob(trainSubmission, { submissionId }, { tx, ...(group ? { group } : {}) });
      if (claimedBy) {
        // The attempt that just ended never trained: it is taken off the count again.
        await tx.submission.updateMany({
          where: { id: submissionId, status: "RUNNING", workerId: claimedBy },
          data: {
            status: "QUEUED",
            workerId: null,
            attempts: { decrement: 1 },
            progress: { phase: "requeued", reason },
          },
        });
      }
      await tx.submission.updateMany({ where: { id: submissionId, jobId: job.id }, data: { jobId } });
      return true;
    }),
  );
}
