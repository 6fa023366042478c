import "server-only";
import type { SubmissionStatus } from "@/generated/prisma/enums";
import { isTerminal } from "@/lib/submission-status";
import { db } from "../../db";
import type { Viewer } from "../../viewer";
import { getSubmission } from "./get-submission";

export interface SubmissionUpdate {
  status: SubmissionStatus;
  progress: unknown;
  failureReason: string | null;
  updatedAt: Date;
}

/**
 * Yields the submission's status and progress whenever they change (checked every `intervalMs`),
 * ending after a terminal status. Access is checked once, up front, like any other read.
 */
export async function* watchSubmission(
  viewer: Viewer,
  id: string,
  signal: AbortSignal,
  intervalMs = 1000,
): AsyncGenerator<SubmissionUpdate> {
  await getSubmission(viewer, id);
  let last = 0;
  while (!signal.aborted) {
    const row = await db.submission.findUnique({
      where: { id },
      select: { status: true, progress: true, failureReason: true, updatedAt: true },
    });
    if (!row) return;
    if (row.updatedAt.getTime() !== last) {
      last = row.updatedAt.getTime();
      yield row;
    }
    if (isTerminal(row.status)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
