import "server-only";
import { z } from "zod";
import { requireClassAccess } from "../access";
import { db } from "../db";
import { readLimits } from "../env";
import { classSlugSchema, parseInput } from "../input";
import { getBoss } from "../queue/boss";
import { trainSubmission } from "../queue/jobs";
import type { Viewer } from "../viewer";

// The training queue as a student or grader sees it: where a QUEUED submission stands and when it
// should start and finish. The queue is global (every class shares the workers), so one statement
// reads every QUEUED and RUNNING submission of the platform with what the estimate needs (the
// healthy workers and the recent runs' time per epoch), and planQueue() replays pg-boss's rules on
// those rows in memory. The statement count never grows with the queue.
//
// The rules replayed (worker/jobs.ts, lib/server/queue/boss.ts): a free worker takes the OLDEST
// waiting job (pg-boss's order: created_on, the job's own creation — a retrained submission queues
// behind everything sent before its retrain) whose student has no job running (groupConcurrency 1,
// the group being the student); a student's later runs are passed over, not blocking others.
//
// Position (documented in docs/graders.md): 1 + the number of QUEUED submissions, of any class,
// that start before this one under those rules, with every run taking its estimated time. 1 means
// "next to start". With one worker this is exact: FIFO, a student's second run behind their first.
// With several workers, who overtakes whom depends on how long the runs take, so it is an estimate
// from the same durations as the ETA.

/** Estimated time of a run, per epoch: the median of the last RECENT_RUNS finished runs here. */
const RECENT_RUNS = 20;
/** When the training config has no maxEpochs (the trainer's default). */
const DEFAULT_MAX_EPOCHS = 20;

export interface QueueRow {
  id: string;
  classId: string;
  authorId: string;
  authorName: string;
  name: string;
  status: "QUEUED" | "RUNNING";
  /** The job's creation (pg-boss's order), or the submission's when it has no job row. */
  queuedAt: Date;
  startedAt: Date | null;
  workerId: string | null;
  maxEpochs: number;
  /** The worker's own remaining estimate (progress.etaMs) and how old it is. */
  etaMs: number | null;
  sinceUpdateSeconds: number;
  runningSeconds: number | null;
}

export interface QueueEntry {
  submissionId: string;
  classId: string;
  authorId: string;
  authorName: string;
  name: string;
  status: "QUEUED" | "RUNNING";
  /** QUEUED only: 1 = the next to start (see the header). */
  position: number | null;
  /** QUEUED only: estimated seconds until it starts; null when unknown. */
  startsInSeconds: number | null;
  /** QUEUED: until it starts plus its own training. RUNNING: remaining. Null when unknown. */
  etaSeconds: number | null;
  workerId: string | null;
  queuedAt: Date;
  startedAt: Date | null;
}

export interface QueueSnapshot {
  /** Running first (soonest to finish first), then queued in the order they will start. */
  entries: QueueEntry[];
  /** Healthy trainers (heartbeat within the timeout): the slots the plan fills. */
  workers: number;
  /** Median seconds per epoch of recent runs; null before any run finished here. */
  secondsPerEpoch: number | null;
  /** How the ETA was reached, in words. */
  basis: string;
}

interface BasisRow {
  msPerEpoch: number | null;
  samples: number;
  workers: number;
}

/** One statement: every active submission, its job's creation time, and the estimate's basis. */
async function readRows(): Promise<{ rows: QueueRow[]; basis: BasisRow }> {
  const { heartbeatSeconds } = readLimits();
  // pg-boss creates its schema when it first starts: the join below needs pgboss.job to exist
  // (the web app's instance, the one that sends jobs; started once per process).
  await getBoss();
  const raw = await db.$queryRaw<(Partial<QueueRow> & BasisRow & { id: string | null })[]>`
    WITH recent AS (
      SELECT "trainDurationMs"::float8 / GREATEST(epochs, 1) AS ms
      FROM "Result" WHERE "trainDurationMs" > 0
      ORDER BY "createdAt" DESC LIMIT ${RECENT_RUNS}
    ), basis AS (
      SELECT (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM recent) AS "msPerEpoch",
             (SELECT count(*)::int FROM recent) AS samples,
             (SELECT count(*)::int FROM "Worker"
              WHERE health = 'HEALTHY' AND now() - "heartbeatAt" <= make_interval(secs => ${heartbeatSeconds})) AS workers
    )
    SELECT b."msPerEpoch", b.samples, b.workers,
           s.id, s."classId", s."authorId", u.name AS "authorName", s.name, s.status::text AS status,
           COALESCE(j.created_on, s."createdAt") AS "queuedAt", s."startedAt", s."workerId",
           COALESCE(CASE WHEN jsonb_typeof(s.training->'maxEpochs') = 'number'
                         THEN (s.training->>'maxEpochs')::float8 END, ${DEFAULT_MAX_EPOCHS})::float8 AS "maxEpochs",
           CASE WHEN jsonb_typeof(s.progress->'etaMs') = 'number' THEN (s.progress->>'etaMs')::float8 END AS "etaMs",
           EXTRACT(EPOCH FROM now() - s."updatedAt")::float8 AS "sinceUpdateSeconds",
           EXTRACT(EPOCH FROM now() - s."startedAt")::float8 AS "runningSeconds"
    FROM basis b
    LEFT JOIN ("Submission" s
      JOIN "User" u ON u.id = s."authorId"
      LEFT JOIN pgboss.job j ON j.name = ${trainSubmission.name}
        AND j.id = CASE WHEN s."jobId" ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                        THEN s."jobId"::uuid END)
      ON s.status IN ('QUEUED', 'RUNNING')`;
  const first = raw[0];
  const basis: BasisRow = {
    msPerEpoch: first?.msPerEpoch ?? null,
    samples: first?.samples ?? 0,
    workers: first?.workers ?? 0,
  };
  const rows = raw.filter((r): r is QueueRow & BasisRow => r.id !== null);
  return { rows, basis };
}

/**
 * Replays the queue's rules on the active rows (see the header). Pure: the same rows, workers and
 * time per epoch give the same plan. With no known time per epoch every run counts the same
 * (positions still follow the rules) and the ETAs are null; with no healthy worker the order is
 * planned for one and the ETAs are null (nothing starts until a worker is back).
 */
export function planQueue(rows: QueueRow[], workers: number, msPerEpoch: number | null): QueueEntry[] {
  const timed = msPerEpoch !== null && workers > 0;
  const duration = (r: QueueRow) => (msPerEpoch !== null ? (msPerEpoch * r.maxEpochs) / 1000 : 1);
  const remaining = (r: QueueRow): number | null => {
    if (r.etaMs !== null) return Math.max(0, r.etaMs / 1000 - r.sinceUpdateSeconds);
    if (msPerEpoch === null) return null;
    return Math.max(0, duration(r) - (r.runningSeconds ?? 0));
  };
  const entry = (r: QueueRow, fields: Pick<QueueEntry, "position" | "startsInSeconds" | "etaSeconds">) => ({
    submissionId: r.id,
    classId: r.classId,
    authorId: r.authorId,
    authorName: r.authorName,
    name: r.name,
    status: r.status,
    workerId: r.workerId,
    queuedAt: r.queuedAt,
    startedAt: r.startedAt,
    ...fields,
  });
  const seconds = (s: number | null) => (s === null ? null : Math.round(s));

  // Each slot is a worker, holding the time it becomes free. Running runs occupy them first.
  const free: number[] = Array.from({ length: Math.max(1, workers) }, () => 0);
  const busyUntil = new Map<string, number>();
  const running = rows
    .filter((r) => r.status === "RUNNING")
    .map((r) => ({ row: r, left: remaining(r) }))
    .sort((a, b) => (a.left ?? 0.5) - (b.left ?? 0.5));
  const out: QueueEntry[] = [];
  for (const { row, left } of running) {
    const slot = free.indexOf(Math.min(...free));
    const end = free[slot]! + (left ?? 0.5);
    free[slot] = end;
    busyUntil.set(row.authorId, Math.max(busyUntil.get(row.authorId) ?? 0, end));
    out.push(entry(row, { position: null, startsInSeconds: null, etaSeconds: workers > 0 ? seconds(left) : null }));
  }

  const pending = rows
    .filter((r) => r.status === "QUEUED")
    .sort((a, b) => a.queuedAt.getTime() - b.queuedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let position = 0;
  while (pending.length) {
    const slot = free.indexOf(Math.min(...free));
    const at = free[slot]!;
    // The oldest waiting run whose student has nothing running at that moment.
    const next = pending.findIndex((r) => (busyUntil.get(r.authorId) ?? 0) <= at);
    if (next === -1) {
      // Every waiting student has a run going: this worker idles until the first of those ends.
      free[slot] = Math.min(...pending.map((r) => busyUntil.get(r.authorId) ?? 0));
      continue;
    }
    const [row] = pending.splice(next, 1);
    const end = at + duration(row!);
    free[slot] = end;
    busyUntil.set(row!.authorId, end);
    position += 1;
    out.push(
      entry(row!, {
        position,
        startsInSeconds: timed ? seconds(at) : null,
        etaSeconds: timed ? seconds(end) : null,
      }),
    );
  }
  return out;
}

/** The whole queue, planned, read now (one statement). */
export async function readQueue(): Promise<QueueSnapshot> {
  const { rows, basis } = await readRows();
  const entries = planQueue(rows, basis.workers, basis.msPerEpoch);
  const secondsPerEpoch = basis.msPerEpoch === null ? null : basis.msPerEpoch / 1000;
  const words =
    basis.workers === 0
      ? "no trainer is healthy now: nothing starts until one is"
      : basis.msPerEpoch === null
        ? "no run has finished here yet, so there is no measured speed"
        : `${basis.workers} healthy trainer${basis.workers === 1 ? "" : "s"}; every run at its maximum epochs × the median time per epoch of the last ${basis.samples} run${basis.samples === 1 ? "" : "s"} here (${(basis.msPerEpoch / 1000).toFixed(1)} s)`;
  return { entries, workers: basis.workers, secondsPerEpoch, basis: words };
}

const SNAPSHOT_MAX_AGE_MS = 2000;
const globalForQueue = globalThis as unknown as { catwalkQueue?: { at: number; value: Promise<QueueSnapshot> } };

/**
 * The queue shared for up to two seconds by everything in this process that asks: every open
 * queued submission page and manage page follows it, and one statement per page per second would
 * buy nothing (runs start and end in seconds at best).
 */
export function getQueueSnapshot(): Promise<QueueSnapshot> {
  const cached = globalForQueue.catwalkQueue;
  if (cached && Date.now() - cached.at < SNAPSHOT_MAX_AGE_MS) return cached.value;
  const value = readQueue();
  globalForQueue.catwalkQueue = { at: Date.now(), value };
  value.catch(() => {
    if (globalForQueue.catwalkQueue?.value === value) globalForQueue.catwalkQueue = undefined;
  });
  return value;
}

/** Where one submission stands: its entry, or null when it is not QUEUED or RUNNING. */
export function queueEntryOf(snapshot: QueueSnapshot, submissionId: string): QueueEntry | null {
  return snapshot.entries.find((e) => e.submissionId === submissionId) ?? null;
}

export interface ClassQueue {
  /** The class's queued and running submissions, in the global plan's order, positions global. */
  entries: QueueEntry[];
  /** Queued submissions of other classes (they share the workers). */
  otherClassesQueued: number;
  workers: number;
  basis: string;
}

/** Graders: the class's part of the queue (positions count every class's runs). */
export async function getClassQueue(viewer: Viewer, input: unknown): Promise<ClassQueue> {
  const { classSlug } = parseInput(z.object({ classSlug: classSlugSchema }), input);
  const access = await requireClassAccess(viewer, { slug: classSlug }, { minRole: "GRADER" });
  const snapshot = await getQueueSnapshot();
  const entries = snapshot.entries.filter((e) => e.classId === access.classId);
  const otherClassesQueued = snapshot.entries.filter(
    (e) => e.classId !== access.classId && e.status === "QUEUED",
  ).length;
  return { entries, otherClassesQueued, workers: snapshot.workers, basis: snapshot.basis };
}

const perRequest = new WeakMap<object, Promise<QueueSnapshot>>();

/**
 * The queue read once per GraphQL request (`key`: the request's context), however many
 * submissions the answer lists: their queuePosition and etaSeconds share one statement. Fresh
 * for each request, unlike getQueueSnapshot's two-second cache, so a script's answer is current.
 */
export function queueForRequest(key: object): Promise<QueueSnapshot> {
  let value = perRequest.get(key);
  if (!value) {
    value = readQueue();
    perRequest.set(key, value);
  }
  return value;
}
