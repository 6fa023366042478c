import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/server/db";
import type { AppError } from "@/lib/server/errors";
import { verifyCredentials } from "@/lib/server/services/users";
import { delayAfterAttempt } from "@/lib/server/sign-in-limit";
import { makeUser } from "../helpers/fixtures";

// Sign-in limits against the real database (lib/server/sign-in-limit.ts): per (account, address)
// failures in a row slow down progressively, failures per address are capped per day, and nothing
// is counted per account alone, so an attacker's failures never lock the owner out.

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

/** A fresh address per test, so counters of other tests (and runs) never meet. */
const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}-${randomUUID().slice(0, 6)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function refusal(attempt: Promise<unknown>): Promise<AppError> {
  const outcome = await attempt.then(
    (value) => ({ value }),
    (error: AppError) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected RATE_LIMITED, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error.code).toBe("RATE_LIMITED");
  return outcome.error;
}

describe("sign-in limits", () => {
  it("an attacker's failures don't lock the owner out: the right password from another address works", async () => {
    process.env.CATWALK_RATE_SIGNIN_FREE_FAILURES = "50";
    const owner = await makeUser("Lock Owner");
    const attacker = address();
    // More failures than the old per-email lockout (10 per 15 minutes) allowed.
    for (let i = 0; i < 12; i++)
      expect(await verifyCredentials(owner.email, `wrong-${i}`, { ip: attacker })).toBeNull();
    expect(await verifyCredentials(owner.email, owner.password, { ip: address() })).toMatchObject({ id: owner.id });
  });

  it("slows the (account, address) pair down after the free failures, doubling the wait", async () => {
    process.env.CATWALK_RATE_SIGNIN_FREE_FAILURES = "2";
    const owner = await makeUser("Slow Target");
    const attacker = address();
    expect(await verifyCredentials(owner.email, "wrong-1", { ip: attacker })).toBeNull();
    // The second failure opens a 1 s wait.
    expect(await verifyCredentials(owner.email, "wrong-2", { ip: attacker })).toBeNull();
    const first = await refusal(verifyCredentials(owner.email, "wrong-3", { ip: attacker }));
    expect(first.message).toBe("Too many failed sign-ins for this account from your network. Try again in 1 s.");
    // Even the right password waits: the pair is what is slowed, not the password.
    await refusal(verifyCredentials(owner.email, owner.password, { ip: attacker }));
    // The owner from elsewhere is not slowed at all.
    expect(await verifyCredentials(owner.email, owner.password, { ip: address() })).toMatchObject({ id: owner.id });
    await sleep(1_100);
    expect(await verifyCredentials(owner.email, "wrong-3", { ip: attacker })).toBeNull();
    const second = await refusal(verifyCredentials(owner.email, "wrong-4", { ip: attacker }));
    expect(second.message).toMatch(/Try again in 2 s\.$/);
    expect([2, 3, 4, 5].map((n) => delayAfterAttempt(n, 2, 900))).toEqual([1, 2, 4, 8]);
    expect(delayAfterAttempt(40, 2, 900)).toBe(900);
  });

  it("a correct password resets the pair's count", async () => {
    process.env.CATWALK_RATE_SIGNIN_FREE_FAILURES = "3";
    const owner = await makeUser("Reset Target");
    const from = address();
    for (let i = 0; i < 2; i++) expect(await verifyCredentials(owner.email, `typo-${i}`, { ip: from })).toBeNull();
    expect(await verifyCredentials(owner.email, owner.password, { ip: from })).toMatchObject({ id: owner.id });
    // Without the reset these would be failures 3 and 4 of a series, and the fourth would wait.
    for (let i = 0; i < 3; i++)
      expect(await verifyCredentials(owner.email, `typo-again-${i}`, { ip: from })).toBeNull();
    await refusal(verifyCredentials(owner.email, "typo-again-4", { ip: from }));
  });

  it("caps failures per address over all accounts, for that address only", async () => {
    process.env.CATWALK_RATE_SIGNIN_FAILURES_PER_ADDRESS_PER_DAY = "4";
    const victims = await Promise.all([makeUser("Spray One"), makeUser("Spray Two")]);
    const sprayer = address();
    for (let i = 0; i < 4; i++) {
      expect(await verifyCredentials(victims[i % 2]!.email, `guess-${i}`, { ip: sprayer })).toBeNull();
    }
    const refused = await refusal(verifyCredentials(victims[0]!.email, victims[0]!.password, { ip: sprayer }));
    expect(refused.message).toMatch(/^Too many failed sign-ins from your network today\. Try again in (23|24) h\.$/);
    // Unknown emails count the same (no hint about which accounts exist), and other networks are fine.
    await refusal(verifyCredentials(`nobody.${randomUUID()}@example.test`, "guess", { ip: sprayer }));
    expect(await verifyCredentials(victims[1]!.email, victims[1]!.password, { ip: address() })).toMatchObject({
      id: victims[1]!.id,
    });
  });

  it("only failures count against the address: successful sign-ins give their point back", async () => {
    process.env.CATWALK_RATE_SIGNIN_FAILURES_PER_ADDRESS_PER_DAY = "2";
    const user = await makeUser("Busy Lab");
    const lab = address();
    for (let i = 0; i < 5; i++) expect(await verifyCredentials(user.email, user.password, { ip: lab })).not.toBeNull();
    expect(await verifyCredentials(user.email, "typo", { ip: lab })).toBeNull();
  });

  it("a burst of parallel guesses gets no more checks than the free ones plus one", async () => {
    process.env.CATWALK_RATE_SIGNIN_FREE_FAILURES = "3";
    const owner = await makeUser("Burst Target");
    const attacker = address();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => verifyCredentials(owner.email, `burst-${i}`, { ip: attacker })),
    );
    const checked = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o) => o.status === "rejected");
    // Attempts are numbered atomically: 1 and 2 are free, and of the rest only the first to take
    // the 1 s slot is checked. (A fourth only if the burst itself outlasted that second.)
    expect(checked.length).toBeGreaterThanOrEqual(3);
    expect(checked.length).toBeLessThanOrEqual(4);
    expect(checked.length + refused.length).toBe(20);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "RATE_LIMITED" });
  });

  it("counts live in PostgreSQL: a new pool (as in another web process) sees them", async () => {
    process.env.CATWALK_RATE_SIGNIN_FREE_FAILURES = "2";
    const owner = await makeUser("Shared Count");
    const attacker = address();
    expect(await verifyCredentials(owner.email, "wrong-1", { ip: attacker })).toBeNull();
    expect(await verifyCredentials(owner.email, "wrong-2", { ip: attacker })).toBeNull();
    await disconnectDb();
    await refusal(verifyCredentials(owner.email, "wrong-3", { ip: attacker }));
  });
});
