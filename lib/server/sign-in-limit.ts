import "server-only";
import { serverEnv } from "./env";
import { rateLimited } from "./errors";
import { isRefusal, limiter, limitKey, waitText } from "./rate-limit";

// Password guessing, limited without handing attackers a lockout (rate-limiter-flexible's "login
// endpoint protection" recipe, with a progressive delay instead of a fixed block):
//
// - per (account, address): the first CATWALK_RATE_SIGNIN_FREE_FAILURES failures in a row are
//   free; from then on each attempt must wait 1 s, 2 s, 4 s … (at most
//   CATWALK_RATE_SIGNIN_MAX_DELAY_SECONDS) after the previous one. A correct password resets it.
//   The series is forgotten a day after its first failure.
// - per address: CATWALK_RATE_SIGNIN_FAILURES_PER_ADDRESS_PER_DAY failures over all accounts,
//   then the address is refused until its day is over (credential stuffing across accounts).
//
// Nothing is counted per account alone, so failures from one network never lock the owner out
// of their account from another. Attempts are reserved before the password is checked (atomic
// increments), so a burst of parallel requests gets no more guesses than one at a time; an
// attempt refused or answered correctly gives its reservation back.

const DAY = 86_400;

function specs() {
  const e = serverEnv();
  return {
    free: e.CATWALK_RATE_SIGNIN_FREE_FAILURES,
    maxDelay: e.CATWALK_RATE_SIGNIN_MAX_DELAY_SECONDS,
    // A counter that never refuses by itself: the delay below decides from its count.
    failuresInARow: limiter({ name: "signin-account-address", points: 1_000_000, durationSeconds: DAY }),
    // One attempt per delay window; each attempt opens its own window (customDuration).
    nextAttempt: limiter({ name: "signin-account-address-wait", points: 1, durationSeconds: 1 }),
    perAddress: limiter({
      name: "signin-address",
      points: e.CATWALK_RATE_SIGNIN_FAILURES_PER_ADDRESS_PER_DAY,
      durationSeconds: DAY,
    }),
  };
}

/** The wait opened by attempt `n` of a series (n ≥ free): 1 s, then doubling, capped. */
export function delayAfterAttempt(n: number, free: number, maxDelaySeconds: number): number {
  return Math.min(2 ** Math.min(n - free, 30), maxDelaySeconds);
}

/**
 * Runs `check` (a password verification) under the sign-in limits of `account` (the normalised
 * email, whether or not it exists) from `address`. Throws RATE_LIMITED, saying how long to wait,
 * without running `check` when the attempt is not allowed yet.
 */
export async function limitPasswordCheck(
  account: string,
  address: string | null,
  check: () => Promise<boolean>,
): Promise<boolean> {
  const s = specs();
  // No address only where the app runs outside its web server without a proxy header; such
  // requests share one address, which is what they look like.
  const from = address ?? "unknown";
  const addressKey = limitKey(from);
  const pairKey = limitKey(account, from);

  try {
    await s.perAddress.consume(addressKey);
  } catch (error) {
    if (!isRefusal(error)) throw error;
    throw rateLimited(`Too many failed sign-ins from your network today. Try again in ${waitText(error)}.`);
  }
  const giveBack = () => Promise.all([s.perAddress.reward(addressKey), s.failuresInARow.reward(pairKey)]);

  let attempt: number;
  try {
    attempt = (await s.failuresInARow.consume(pairKey)).consumedPoints;
  } catch (error) {
    await s.perAddress.reward(addressKey);
    throw error;
  }
  if (attempt >= s.free) {
    try {
      await s.nextAttempt.consume(pairKey, 1, { customDuration: delayAfterAttempt(attempt, s.free, s.maxDelay) });
    } catch (error) {
      await giveBack();
      if (!isRefusal(error)) throw error;
      throw rateLimited(
        `Too many failed sign-ins for this account from your network. Try again in ${waitText(error)}.`,
      );
    }
  }

  let ok: boolean;
  try {
    ok = await check();
  } catch (error) {
    await giveBack();
    throw error;
  }
  if (ok) {
    // Only failures count: the address gets its point back, and the series ends.
    await Promise.all([
      s.perAddress.reward(addressKey),
      s.failuresInARow.delete(pairKey),
      s.nextAttempt.delete(pairKey),
    ]);
  }
  return ok;
}
