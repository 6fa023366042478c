import "server-only";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { TERMINAL_STATUSES } from "@/lib/submission-status";
import { requireSubmissionAccess } from "../../access";
import { artifacts } from "../../artifacts/store";
import { db } from "../../db";
import { badInput } from "../../errors";
import { idSchema, parseInput } from "../../input";
import { getBoss, sendJob } from "../../queue/boss";
import { trainSubmission } from "../../queue/jobs";
import type { Viewer } from "../../viewer";
import { getSubmission } from "../submissions/get-submission";
import type { SubmissionView } from "../submissions/view";

/**
 * Trains a finished submission again from scratch (grader only): the old result and trained model
 * are dropped and a fresh job is queued in the same transaction as the reset, exactly like a new
 * submission. Quotas don't apply. To score the stored model again without training, see
 * reevaluate-submission.ts.
 */
export async function retrainSubmission(viewer: Viewer, input: unknown): Promise<SubmissionView> {
  const { submissionId } = parseInput(z.object({ submissionId: idSchema }), input);
  const access = await requireSubmissionAccess(viewer, submissionId, { intent: "write", who: "grader" });
  await getBoss();
  await db.$transaction(async (tx) => {
    const reset = await tx.submission.updateMany({
      where: { id: submissionId, status: { in: [...TERMINAL_STATUSES] } },
      data: {
        status: "QUEUED",
        failureReason: null,
        failureKind: null,
        progress: Prisma.DbNull,
        startedAt: null,
        finishedAt: null,
        cancelRequestedAt: null,
        workerId: null,
        attempts: 0,
      },
    });
    if (reset.count !== 1)
      throw badInput("Only a finished submission can be retrained; cancel a queued or running one first.");
    await tx.result.deleteMany({ where: { submissionId } });
    await artifacts.remove(submissionId, "MODEL", tx);
    await artifacts.remove(submissionId, "CHECKPOINT", tx);
    const jobId = await sendJob(trainSubmission, { submissionId }, { tx, group: { id: access.authorId } });
    await tx.submission.update({ where: { id: submissionId }, data: { jobId }, select: { id: true } });
  });
  return getSubmission(viewer, submissionId);
}
