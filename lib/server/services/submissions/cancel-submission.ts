import "server-only";
import { requireSubmissionAccess } from "../../access";
import { artifacts } from "../../artifacts/store";
import { db } from "../../db";
import { badInput } from "../../errors";
import { getBoss } from "../../queue/boss";
import { trainSubmission } from "../../queue/jobs";
import type { Viewer } from "../../viewer";
import { getSubmission } from "./get-submission";
import type { SubmissionView } from "./view";

/**
 * Stops a submission. A queued one is cancelled at once; a running one is flagged and its worker
 * (told by NOTIFY, with a periodic check as the backstop) stops within one batch.
 */
export async function cancelSubmission(viewer: Viewer, id: string): Promise<SubmissionView> {
  await requireSubmissionAccess(viewer, String(id), { intent: "write" });
  const row = await db.submission.findUniqueOrThrow({ where: { id }, select: { jobId: true } });
  const now = new Date();
  const queued = await db.$transaction(async (tx) => {
    const cancelled = await tx.submission.updateMany({
      where: { id, status: "QUEUED" },
      data: { status: "CANCELLED", cancelRequestedAt: now, finishedAt: now },
    });
    // A queued run may hold an earlier attempt's checkpoint; the run is over, so it goes with it.
    if (cancelled.count === 1) await artifacts.remove(id, "CHECKPOINT", tx);
    return cancelled;
  });
  if (queued.count === 1) {
    if (row.jobId) {
      // Best effort: if the job was picked up meanwhile, the worker sees CANCELLED and stops.
      await (await getBoss()).cancel(trainSubmission.name, row.jobId).catch(() => undefined);
    }
  } else {
    const running = await db.submission.updateMany({
      where: { id, status: "RUNNING", cancelRequestedAt: null },
      data: { cancelRequestedAt: now },
    });
    if (running.count === 1) {
      await db.$executeRaw`SELECT pg_notify('catwalk_cancel', ${id})`;
    } else {
      const current = await db.submission.findUniqueOrThrow({
        where: { id },
        select: { status: true, cancelRequestedAt: true },
      });
      if (current.status !== "RUNNING") {
        throw badInput(`This submission has already finished (${current.status.toLowerCase()}).`);
      }
    }
  }
  return getSubmission(viewer, id);
}
