import "server-only";
import { z } from "zod";
import { requireSubmissionAccess } from "../../access";
import { artifacts } from "../../artifacts/store";
import { db } from "../../db";
import { badInput } from "../../errors";
import { idSchema, parseInput } from "../../input";
import { getBoss, sendJob } from "../../queue/boss";
import { evaluateSubmission } from "../../queue/jobs";
import type { Viewer } from "../../viewer";
import { getSubmission } from "../submissions/get-submission";
import type { SubmissionView } from "../submissions/view";

/**
 * Scores a succeeded submission's stored model on the test set again, without training (grader
 * only): for when scoring changed, not the model. A worker does it in seconds and replaces the
 * result's scores in place; the submission stays SUCCEEDED on the board meanwhile. The request
 * and its job commit together, so a re-evaluation is never asked for and then lost.
 */
export async function reevaluateSubmission(viewer: Viewer, input: unknown): Promise<SubmissionView> {
  const { submissionId } = parseInput(z.object({ submissionId: idSchema }), input);
  await requireSubmissionAccess(viewer, submissionId, { intent: "write", who: "grader" });
  const model = await artifacts.info(submissionId, "MODEL");
  if (!model) {
    const row = await db.submission.findUnique({ where: { id: submissionId }, select: { status: true } });
    throw badInput(
      row?.status === "SUCCEEDED"
        ? "This submission has no stored model (it was trained before trained models were kept): retrain it instead."
        : "Only a succeeded submission has a trained model to re-evaluate.",
    );
  }
  await getBoss();
  await db.$transaction(async (tx) => {
    const marked = await tx.result.updateMany({
      where: { submissionId, submission: { status: "SUCCEEDED" } },
      data: { reevaluationRequestedAt: new Date() },
    });
    if (marked.count !== 1) throw badInput("Only a succeeded submission has a trained model to re-evaluate.");
    await sendJob(evaluateSubmission, { submissionId }, { tx });
  });
  return getSubmission(viewer, submissionId);
}
