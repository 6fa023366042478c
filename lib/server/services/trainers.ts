import "server-only";
import type { WorkerHealth } from "@/generated/prisma/enums";
import { requireGraderOfAnyClass } from "../access";
import { db } from "../db";
import { readLimits } from "../env";
import type { Viewer } from "../viewer";

// The trainer workers as they report themselves (worker/presence.ts writes the Worker table: a
// heartbeat every few seconds). One query reads them all; "lost" is decided by the database's own
// clock against CATWALK_HEARTBEAT_SECONDS, so a web server and workers on different machines
// agree on it. Platform status with no per-user data: /api/health shows the counts and reasons,
// the manage page (graders) the table, the submission page whether training can start.

export type TrainerState = "healthy" | "starting" | "unhealthy" | "lost";

export interface Trainer {
  /** host:pid, as Submission.workerId names it. */
  id: string;
  host: string;
  pid: number;
  backend: string | null;
  state: TrainerState;
  /** Why it is unhealthy, or what it was saying when it went silent (lost). */
  reason: string | null;
  startedAt: Date;
  heartbeatAt: Date;
  /** Seconds since its last heartbeat, by the database's clock. */
  silentSeconds: number;
  /** The submission it is training now. */
  submissionId: string | null;
  jobsDone: number;
}

export interface TrainerSummary {
  /** Whether at least one trainer takes jobs now: a queued submission will start. */
  ready: boolean;
  healthy: number;
  starting: number;
  unhealthy: number;
  lost: number;
  /** Why the trainers that can't train can't, most common first. */
  reasons: Array<{ reason: string; trainers: number }>;
}

export interface TrainerHealth extends TrainerSummary {
  trainers: Trainer[];
  /** After this long without a heartbeat a trainer counts as lost. */
  heartbeatSeconds: number;
}

interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  backend: string | null;
  health: WorkerHealth;
  reason: string | null;
  startedAt: Date;
  heartbeatAt: Date;
  silentSeconds: number;
  submissionId: string | null;
  jobsDone: number;
}

const STATE: Record<WorkerHealth, TrainerState> = { HEALTHY: "healthy", STARTING: "starting", UNHEALTHY: "unhealthy" };

export async function getTrainerHealth(): Promise<TrainerHealth> {
  const { heartbeatSeconds } = readLimits();
  const rows = await db.$queryRaw<WorkerRow[]>`
    SELECT id, host, pid, backend, health, reason, "startedAt", "heartbeatAt", "submissionId", "jobsDone",
           EXTRACT(EPOCH FROM (now() - "heartbeatAt"))::float8 AS "silentSeconds"
    FROM "Worker"
    ORDER BY host, "startedAt", id`;
  const trainers = rows.map(
    (row): Trainer => ({
      id: row.id,
      host: row.host,
      pid: row.pid,
      backend: row.backend,
      state: row.silentSeconds > heartbeatSeconds ? "lost" : STATE[row.health],
      reason: row.reason,
      startedAt: row.startedAt,
      heartbeatAt: row.heartbeatAt,
      silentSeconds: Math.max(0, row.silentSeconds),
      submissionId: row.submissionId,
      jobsDone: row.jobsDone,
    }),
  );
  return { ...summarize(trainers), trainers, heartbeatSeconds };
}

function summarize(trainers: Trainer[]): TrainerSummary {
  const count = (state: TrainerState) => trainers.filter((t) => t.state === state).length;
  const reasons = new Map<string, number>();
  for (const t of trainers) {
    if (t.state === "unhealthy" && t.reason) reasons.set(t.reason, (reasons.get(t.reason) ?? 0) + 1);
  }
  const healthy = count("healthy");
  return {
    ready: healthy > 0,
    healthy,
    starting: count("starting"),
    unhealthy: count("unhealthy"),
    lost: count("lost"),
    reasons: [...reasons].map(([reason, n]) => ({ reason, trainers: n })).sort((a, b) => b.trainers - a.trainers),
  };
}

const SUMMARY_MAX_AGE_MS = 2000;
const globalForSummary = globalThis as unknown as {
  catwalkTrainerSummary?: { at: number; value: Promise<TrainerSummary> };
};

/**
 * The summary without the rows, shared for up to two seconds by everything in this process that
 * asks: every open submission page polls it while its run is queued, and one query per page per
 * second would be the price of nothing (heartbeats arrive every few seconds anyway).
 */
export function getTrainerSummary(): Promise<TrainerSummary> {
  const cached = globalForSummary.catwalkTrainerSummary;
  if (cached && Date.now() - cached.at < SUMMARY_MAX_AGE_MS) return cached.value;
  const value = getTrainerHealth().then(({ trainers: _, heartbeatSeconds: __, ...summary }) => summary);
  globalForSummary.catwalkTrainerSummary = { at: Date.now(), value };
  // A failed read is not remembered: the next caller asks the database again.
  value.catch(() => {
    if (globalForSummary.catwalkTrainerSummary?.value === value) globalForSummary.catwalkTrainerSummary = undefined;
  });
  return value;
}

/**
 * The trainer workers for the GraphQL `workers` field: graders and owners of any class (the
 * workers are the platform's, shared by every class; no per-user data beyond which submission
 * one is training, by id). Students are refused (access.ts).
 */
export async function listWorkers(viewer: Viewer): Promise<Trainer[]> {
  await requireGraderOfAnyClass(viewer);
  return (await getTrainerHealth()).trainers;
}
