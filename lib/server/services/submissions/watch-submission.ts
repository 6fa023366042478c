import "server-only";
import type { SubmissionStatus } from "@/generated/prisma/enums";
import { isTerminal } from "@/lib/submission-status";
import { db } from "../../db";
import { isDatabaseUnavailable } from "../../unavailable";
import type { Viewer } from "../../viewer";
import { getQueueSnapshot, queueEntryOf } from "../queue";
import { getTrainerSummary, type TrainerSummary } from "../trainers";
import { getSubmission } from "./get-submission";

export interface SubmissionUpdate {
  status: SubmissionStatus;
  progress: unknown;
  failureReason: string | null;
  updatedAt: Date;
  /**
   * While the run is QUEUED: whether any trainer can take it now and, if none can, why (the page
   * says the trainer isn't ready and that the run will start when it is). Null otherwise.
   */
  trainers: TrainerSummary | null;
  /** While QUEUED: where it stands (services/queue.ts); null otherwise. */
  queue: QueuePlace | null;
}

export interface QueuePlace {
  /** 1 = the next to start. */
  position: number;
  /** Estimated seconds until it starts, and until it finishes; null when unknown. */
  startsInSeconds: number | null;
  etaSeconds: number | null;
  /** How the estimate was made, in words. */
  basis: string;
}

/** Where a QUEUED submission stands now (the queue shared for two seconds per process). */
export async function queuePlaceOf(id: string): Promise<QueuePlace | null> {
  const snapshot = await getQueueSnapshot();
  const entry = queueEntryOf(snapshot, id);
  if (!entry || entry.position === null) return null;
  const { position, startsInSeconds, etaSeconds } = entry;
  return { position, startsInSeconds, etaSeconds, basis: snapshot.basis };
}

/** An update is sent when the place changes; the estimates only when they move by 5 s or more. */
const place = (q: QueuePlace | null) =>
  q
    ? JSON.stringify([q.position, Math.round((q.startsInSeconds ?? -5) / 5), Math.round((q.etaSeconds ?? -5) / 5)])
    : "";

/** What, of the trainers' state, a waiting student is shown: an update is sent when it changes. */
const readiness = (t: TrainerSummary | null) =>
  t ? JSON.stringify([t.ready, t.starting, t.lost, t.reasons.map((r) => r.reason)]) : "";

/**
 * Yields the submission's status and progress whenever they change (checked every `intervalMs`),
 * ending after a terminal status. Access is checked once, up front, like any other read. A
 * database outage meanwhile pauses the updates instead of ending them: the stream resumes when
 * the database is back, so an open page keeps following its run through a restart.
 */
export async function* watchSubmission(
  viewer: Viewer,
  id: string,
  signal: AbortSignal,
  intervalMs = 1000,
): AsyncGenerator<SubmissionUpdate> {
  await getSubmission(viewer, id);
  let last = 0;
  let lastReadiness = "";
  let lastPlace = "";
  while (!signal.aborted) {
    try {
      const row = await db.submission.findUnique({
        where: { id },
        select: { status: true, progress: true, failureReason: true, updatedAt: true },
      });
      if (!row) return;
      const queued = row.status === "QUEUED";
      const [trainers, queue] = queued ? await Promise.all([getTrainerSummary(), queuePlaceOf(id)]) : [null, null];
      if (row.updatedAt.getTime() !== last || readiness(trainers) !== lastReadiness || place(queue) !== lastPlace) {
        last = row.updatedAt.getTime();
        lastReadiness = readiness(trainers);
        lastPlace = place(queue);
        yield { ...row, trainers, queue };
      }
      if (isTerminal(row.status)) return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
