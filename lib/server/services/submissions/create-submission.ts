import "server-only";
import { requireClassAccess } from "../../access";
import { db } from "../../db";
import { badInput } from "../../errors";
import { parseInput } from "../../input";
import { getBoss, sendJob } from "../../queue/boss";
import { trainSubmission } from "../../queue/jobs";
import { hitRateLimit, rateRules } from "../../rate-limit";
import { toSubmissionViews } from "../../redaction";
import type { Viewer } from "../../viewer";
import { countTowardsQuota } from "./quota";
import { submitSchema, validateModelInput } from "./validate-model";
import { type SubmissionView, submissionSelect } from "./view";

/**
 * Queues a model for training: validated by the trainer's own parser first (errors name the layer
 * and field), then the quota and deadline under a per-student lock, then the row and its job in
 * one transaction.
 */
export async function createSubmission(viewer: Viewer, input: unknown): Promise<SubmissionView> {
  const data = parseInput(submitSchema, input);
  const access = await requireClassAccess(viewer, { slug: data.classSlug }, { intent: "write" });
  const { training } = validateModelInput(data.architecture, data.training);
  const authorId = access.viewer.userId;
  // After validation: a typo'd architecture fixed and resent shouldn't use up the allowance.
  await hitRateLimit(rateRules().submitPerUser, authorId);
  // Start the pg-boss instance outside the transaction: its first start installs its schema.
  await getBoss();
  const id = await db.$transaction(async (tx) => {
    // Serialises one student's submits to one class, so two quick clicks can't both pass the quota.
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`submit:${access.classId}:${authorId}`}))`;
    const klass = await tx.class.findUniqueOrThrow({
      where: { id: access.classId },
      select: { dailyQuota: true, deadline: true },
    });
    const now = new Date();
    if (!access.isGrader) {
      if (klass.deadline && now > klass.deadline) {
        throw badInput(
          `The deadline for this class passed on ${klass.deadline.toISOString()}; submissions are closed.`,
        );
      }
      const used = await countTowardsQuota(tx, access.classId, authorId, now);
      if (used >= klass.dailyQuota) {
        throw badInput(
          `You have used today's ${klass.dailyQuota} submissions for this class. Failed and cancelled runs don't count; the quota resets at 00:00 UTC.`,
        );
      }
    }
    const created = await tx.submission.create({
      data: { name: data.name, architecture: data.architecture, training, authorId, classId: access.classId },
      select: { id: true },
    });
    // Same transaction: there is never a submission without its job, nor a job without its row.
    // The group makes workers run at most one job per student at a time, across all machines.
    const jobId = await sendJob(trainSubmission, { submissionId: created.id }, { tx, group: { id: authorId } });
    await tx.submission.update({ where: { id: created.id }, data: { jobId }, select: { id: true } });
    return created.id;
  });
  // The access checked above covers the new row: no second check.
  const row = await db.submission.findUniqueOrThrow({ where: { id }, select: submissionSelect });
  return (await toSubmissionViews([row], access))[0]!;
}
