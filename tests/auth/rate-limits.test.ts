import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import type { AppError } from "@/lib/server/errors";
import { hitRateLimit, limitKey } from "@/lib/server/rate-limit";
import { registerUser } from "@/lib/server/services/users";
import { errorCode, gql, makeUser } from "../helpers/fixtures";
import { createClassAs, discardQueuedWork, MLP } from "../helpers/grading";

// The app's one limiter (rate-limiter-flexible's RateLimiterPostgres on our pool) for the other
// limits: sign-ups per address, submissions per person.

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});
afterAll(discardQueuedWork);

describe("rate limits (rate-limiter-flexible in PostgreSQL)", () => {
  it("counts atomically across concurrent callers", async () => {
    const rule = { name: "test-hits", what: "test hits", points: 10, durationSeconds: 3600 };
    const key = `test:${randomUUID()}`;
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => hitRateLimit(rule, key)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(10);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected")!.reason as AppError;
    expect(refused.code).toBe("RATE_LIMITED");
    expect(refused.message).toMatch(/^Too many test hits: at most 10 per 60 min\. Try again in (59|60) min\.$/);
  });

  it("stores hashed keys in the migration's table, not emails or addresses", async () => {
    const rule = { name: "test-privacy", what: "test hits", points: 5, durationSeconds: 60 };
    await hitRateLimit(rule, "someone@example.test|203.0.113.5");
    const rows = await db.rateLimiterPoints.findMany({
      where: { key: `test-privacy:${limitKey("someone@example.test|203.0.113.5")}` },
      select: { key: true, points: true, expire: true },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.points).toBe(1);
    expect(Number(rows[0]!.expire) - Date.now()).toBeGreaterThan(50_000);
    expect(rows[0]!.key).not.toContain("example.test");
  });

  it("limits sign-ups per network address", async () => {
    process.env.CATWALK_RATE_SIGNUP_PER_HOUR = "2";
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 6)}`;
    const signUp = (n: number) =>
      registerUser(
        { email: `net${n}.${randomUUID()}@example.test`, name: "Net", password: "net-password-123" },
        { ip },
      );
    await signUp(1);
    await signUp(2);
    const refused = signUp(3);
    await expect(refused).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(refused).rejects.toThrow(/^Too many sign-ups from your network: at most 2 per 60 min\. Try again in/);
  });

  it("limits submissions per person through GraphQL", async () => {
    process.env.CATWALK_RATE_SUBMIT_PER_MINUTE = "2";
    const owner = await makeUser("Rate Owner");
    const { slug } = await createClassAs(owner.viewer, "Rate limited");
    const submit = () =>
      gql(
        owner.viewer,
        `mutation($s: String!, $a: JSON!) { submit(classSlug: $s, name: "r", architecture: $a) { id } }`,
        { s: slug, a: MLP },
      );
    expect((await submit()).errors).toBeUndefined();
    expect((await submit()).errors).toBeUndefined();
    const third = await submit();
    expect(errorCode(third)).toBe("RATE_LIMITED");
    expect(third.errors![0]!.message).toMatch(/^Too many submissions: at most 2 per 60 s\. Try again in \d+ s\.$/);
  });
});
