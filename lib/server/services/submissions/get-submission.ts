import "server-only";
import { requireSubmissionAccess } from "../../access";
import { db } from "../../db";
import { toSubmissionViews } from "../../redaction";
import type { Viewer } from "../../viewer";
import { type SubmissionView, submissionSelect } from "./view";

/** One submission: its author's or, for graders, anyone's; others see only leaderboard rows. */
export async function getSubmission(viewer: Viewer, id: string): Promise<SubmissionView> {
  const access = await requireSubmissionAccess(viewer, String(id));
  const row = await db.submission.findUniqueOrThrow({ where: { id: access.submissionId }, select: submissionSelect });
  return (await toSubmissionViews([row], access))[0]!;
}
