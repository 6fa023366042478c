// The manage page's live queue as the JSON route sends it (services/queue-board.ts) and the
// client card reads it (components/grading/live-queue.tsx). Browser-safe: types only.

import type { Trainer, TrainerHealth } from "@/lib/server/services/trainers";

export interface QueueBoardEntry {
  submissionId: string;
  name: string;
  authorName: string;
  status: "QUEUED" | "RUNNING";
  /** QUEUED: 1 = next to start, counting every class's runs (they share the trainers). */
  position: number | null;
  startsInSeconds: number | null;
  /** QUEUED: until it starts plus its training; RUNNING: remaining. */
  etaSeconds: number | null;
  workerId: string | null;
  queuedAt: string;
  startedAt: string | null;
}

export type QueueBoardTrainer = Omit<Trainer, "startedAt" | "heartbeatAt"> & { startedAt: string; heartbeatAt: string };

export interface QueueBoard {
  entries: QueueBoardEntry[];
  /** Queued runs of other classes, which share the trainers. */
  otherClassesQueued: number;
  /** How the ETAs were estimated, in words. */
  basis: string;
  trainers: Omit<TrainerHealth, "trainers"> & { trainers: QueueBoardTrainer[] };
}
