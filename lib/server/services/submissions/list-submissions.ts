import "server-only";
import { requireClassAccess } from "../../access";
import { db } from "../../db";
import { toSubmissionViews } from "../../redaction";
import type { Viewer } from "../../viewer";
import { type SubmissionView, submissionSelect } from "./view";

/** A grader gets every submission of the class, a student only their own; newest first. */
export async function listSubmissions(
  viewer: Viewer,
  classSlug: string,
  options: { take?: number } = {},
): Promise<SubmissionView[]> {
  const access = await requireClassAccess(viewer, { slug: classSlug });
  const rows = await db.submission.findMany({
    where: { classId: access.classId, ...(access.isGrader ? {} : { authorId: access.viewer.userId }) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(options.take ?? 100, 500),
    select: submissionSelect,
  });
  return toSubmissionViews(rows, access);
}
