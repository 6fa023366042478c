import "server-only";
import { db } from "./db";
import { serverEnv } from "./env";
import { rateLimited } from "./errors";

// Fixed-window counters in Postgres, so that every web process (and every machine) shares one
// count per key. One upsert per attempt: cheap next to what is being limited (an argon2 hash,
// a training job).

export interface RateRule {
  /** What is limited, e.g. "sign-in attempts"; used in the message. */
  what: string;
  limit: number;
  windowSeconds: number;
}

export function rateRules() {
  const e = serverEnv();
  return {
    signInPerEmail: {
      what: "sign-in attempts for this email",
      limit: e.CATWALK_RATE_SIGNIN_PER_15MIN,
      windowSeconds: 900,
    },
    signInPerIp: {
      what: "sign-in attempts from your network",
      limit: e.CATWALK_RATE_SIGNIN_IP_PER_15MIN,
      windowSeconds: 900,
    },
    signUpPerIp: { what: "sign-ups from your network", limit: e.CATWALK_RATE_SIGNUP_PER_HOUR, windowSeconds: 3600 },
    submitPerUser: { what: "submissions", limit: e.CATWALK_RATE_SUBMIT_PER_MINUTE, windowSeconds: 60 },
  } satisfies Record<string, RateRule>;
}

/** Counts one attempt against `key`; throws RATE_LIMITED (with when to retry) past the rule's limit. */
export async function hitRateLimit(key: string, rule: RateRule, now = new Date()): Promise<void> {
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const [row] = await db.$queryRaw<Array<{ count: number }>>`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${key.slice(0, 400)}, ${windowStart}, 1)
    ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateLimit"."count" + 1
    RETURNING "count"`;
  // Old windows are garbage; sweeping now and then keeps the table small without a cron job.
  if (Math.random() < 0.01) {
    await db.$executeRaw`DELETE FROM "RateLimit" WHERE "windowStart" < ${new Date(now.getTime() - 86_400_000)}`;
  }
  if (row && row.count > rule.limit) {
    const retryAfter = Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000);
    throw rateLimited(
      `Too many ${rule.what}: at most ${rule.limit} per ${humanDuration(rule.windowSeconds)}. Try again in ${humanDuration(retryAfter)}.`,
    );
  }
}

function humanDuration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
