import "server-only";
import { accessCacheStatus } from "../access-cache";
import { db } from "../db";
import { isDatabaseUnavailable } from "../unavailable";
import { getTrainerSummary, type TrainerSummary } from "./trainers";

// What GET /api/health reports: whether this web process can serve (its database answers) and
// whether submissions will train (some trainer is healthy). Only the first decides the status
// code a load balancer acts on: a web server without trainers still serves every page, and
// taking it out of rotation would not bring a trainer back.

export interface PlatformHealth {
  /** ok: serving, trainers ready. degraded: serving, but queued runs won't start. unavailable: no database. */
  status: "ok" | "degraded" | "unavailable";
  database: { status: "ok"; latencyMs: number } | { status: "unavailable"; error: string };
  /** Null while the database (where trainers report) is out of reach. */
  trainers: TrainerSummary | null;
  /** This web process's copies of tokens, sessions and class access (lib/server/access-cache.ts). */
  accessCache: ReturnType<typeof accessCacheStatus>;
}

/** A database that takes longer than this to answer `SELECT 1` counts as unavailable. */
const DATABASE_TIMEOUT_MS = 3000;

class DatabaseTimeout extends Error {}

export async function getPlatformHealth(): Promise<PlatformHealth> {
  const started = performance.now();
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DatabaseTimeout(`no answer within ${DATABASE_TIMEOUT_MS} ms`)),
        DATABASE_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([db.$queryRaw`SELECT 1`, timeout]);
    } finally {
      clearTimeout(timer);
    }
    const latencyMs = Math.round(performance.now() - started);
    const trainers = await getTrainerSummary();
    return {
      status: trainers.ready ? "ok" : "degraded",
      database: { status: "ok", latencyMs },
      trainers,
      accessCache: accessCacheStatus(),
    };
  } catch (error) {
    // Anything but an outage (or our own timeout) is a bug: let the transport report it.
    if (!(error instanceof DatabaseTimeout) && !isDatabaseUnavailable(error)) throw error;
    return {
      status: "unavailable",
      database: { status: "unavailable", error: "The database is not answering." },
      trainers: null,
      accessCache: accessCacheStatus(),
    };
  }
}
