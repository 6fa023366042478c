import "server-only";
import type { QueueBoard } from "@/lib/queue-board";
import type { Viewer } from "../viewer";
import { getClassQueue } from "./queue";
import { getTrainerHealth } from "./trainers";

/**
 * The manage page's live queue: the class's queued and running submissions in the order they
 * will start, and every trainer worker (platform-wide). Graders of the class (getClassQueue
 * checks); the answer is JSON-ready, dates as ISO strings.
 */
export async function getQueueBoard(viewer: Viewer, input: unknown): Promise<QueueBoard> {
  const queue = await getClassQueue(viewer, input);
  const health = await getTrainerHealth();
  return {
    entries: queue.entries.map((e) => ({
      submissionId: e.submissionId,
      name: e.name,
      authorName: e.authorName,
      status: e.status,
      position: e.position,
      startsInSeconds: e.startsInSeconds,
      etaSeconds: e.etaSeconds,
      workerId: e.workerId,
      queuedAt: e.queuedAt.toISOString(),
      startedAt: e.startedAt?.toISOString() ?? null,
    })),
    otherClassesQueued: queue.otherClassesQueued,
    basis: queue.basis,
    trainers: {
      ...health,
      trainers: health.trainers.map((t) => ({
        ...t,
        startedAt: t.startedAt.toISOString(),
        heartbeatAt: t.heartbeatAt.toISOString(),
      })),
    },
  };
}
