import "server-only";
import { createHash } from "node:crypto";
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { dbPool } from "./db";
import { serverEnv } from "./env";
import { rateLimited } from "./errors";

// Every limit of the app is a rate-limiter-flexible counter in PostgreSQL (its RateLimiterPostgres
// on this process's pg pool), so that all web processes on all machines share one count per key:
// one atomic upsert per attempt, cheap next to what it guards (an argon2 hash, a training job).
// The table is created by a migration (rate_limiter_points); the library's own five-minute sweep
// deletes expired rows.

const TABLE = "rate_limiter_points";

export interface LimiterSpec {
  /** The counter's name, stored as the key prefix. */
  name: string;
  points: number;
  durationSeconds: number;
}

// A limiter is a small object, but each starts a sweep timer: keep one per pool and setting.
const limiters = new WeakMap<pg.Pool, Map<string, RateLimiterPostgres>>();

export function limiter(spec: LimiterSpec): RateLimiterPostgres {
  const pool = dbPool();
  let byId = limiters.get(pool);
  if (!byId) {
    byId = new Map();
    limiters.set(pool, byId);
  }
  const id = `${spec.name}/${spec.points}/${spec.durationSeconds}`;
  let made = byId.get(id);
  if (!made) {
    made = new RateLimiterPostgres({
      storeClient: pool,
      storeType: "pool",
      tableName: TABLE,
      tableCreated: true,
      keyPrefix: spec.name,
      points: spec.points,
      duration: spec.durationSeconds,
    });
    byId.set(id, made);
  }
  return made;
}

/**
 * The stored key for what is counted: hashed, so the table holds no emails or addresses, and
 * always short, whatever the parts are.
 */
export function limitKey(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("base64url");
}

/** A refusal from the library (a RateLimiterRes), as opposed to a database error. */
export function isRefusal(error: unknown): error is RateLimiterRes {
  return error instanceof RateLimiterRes;
}

export interface RateRule extends LimiterSpec {
  /** What is limited, e.g. "sign-ups from your network"; used in the message. */
  what: string;
}

export function rateRules() {
  const e = serverEnv();
  return {
    signUpPerAddress: {
      name: "signup-address",
      what: "sign-ups from your network",
      points: e.CATWALK_RATE_SIGNUP_PER_HOUR,
      durationSeconds: 3600,
    },
    submitPerUser: {
      name: "submit-user",
      what: "submissions",
      points: e.CATWALK_RATE_SUBMIT_PER_MINUTE,
      durationSeconds: 60,
    },
  } satisfies Record<string, RateRule>;
}

/** Counts one attempt against `key`; throws RATE_LIMITED (with when to retry) past the rule's limit. */
export async function hitRateLimit(rule: RateRule, key: string): Promise<void> {
  try {
    await limiter(rule).consume(limitKey(key));
  } catch (error) {
    if (!isRefusal(error)) throw error;
    throw rateLimited(
      `Too many ${rule.what}: at most ${rule.points} per ${humanDuration(rule.durationSeconds)}. Try again in ${waitText(error)}.`,
    );
  }
}

/** How long until a refused key may try again, for messages. */
export function waitText(refusal: RateLimiterRes): string {
  return humanDuration(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)));
}

export function humanDuration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
