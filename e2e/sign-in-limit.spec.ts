import { expect, type Page, test } from "@playwright/test";
import { E2E_SIGNIN_LIMIT as limit, signUp } from "./helpers";

// Sign-in attempts are limited per email (lib/server/rate-limit.ts, services/users.ts
// verifyCredentials). Past the limit the server refuses before it checks the password, so for
// the rest of the window even the right password gets the rate-limit message, not a session.
// e2e/global-setup.ts runs the server with a small limit so this takes a few attempts.

const unique = Date.now().toString(36);
const RATE_LIMITED = "Too many sign-in attempts. Wait a few minutes and try again.";

/** Submits the sign-in form and waits for the server action's answer (the alert text may not change between attempts). */
async function attemptSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  const answered = page.waitForResponse(
    (r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/signin",
  );
  await page.getByRole("button", { name: "Sign in" }).click();
  await answered;
}

/** The counters are fixed 15-minute windows aligned to the epoch (rate-limit.ts `hitRateLimit`). */
const WINDOW_MS = 15 * 60_000;

test("too many sign-in attempts: a clear message, and the right password is refused for the rest of the window", async ({
  browser,
  page,
}) => {
  test.setTimeout(120_000);
  // All attempts must land in one window, or the count starts over halfway: near the end of a
  // window, wait for the next one.
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < 40_000) await page.waitForTimeout(left + 1_000);
  // Signing up signs in once: that is the email's first attempt.
  await signUp(browser, "Rhea Ratelimit", unique);
  await signUp(browser, "Nils Neighbour", unique);
  const email = `rhea.${unique}@example.test`;

  await page.goto("/signin");
  for (let attempt = 2; attempt <= limit; attempt++) {
    await attemptSignIn(page, email, `wrong password ${attempt}`);
    await expect(page.getByRole("alert").filter({ hasText: "Wrong" })).toHaveText("Wrong email or password.");
  }

  // One attempt over the limit: the rate-limit message replaces "wrong password".
  await attemptSignIn(page, email, "wrong password again");
  await expect(page.getByRole("alert").filter({ hasText: "Too many" })).toHaveText(RATE_LIMITED);
  await expect(page.getByRole("alert").filter({ hasText: "Wrong" })).toHaveCount(0);
  await expect(page.getByLabel("Email")).toHaveValue(email);

  // The right password within the window is refused the same way, and no session is created.
  await attemptSignIn(page, email, "correct horse battery");
  await expect(page.getByRole("alert").filter({ hasText: "Too many" })).toHaveText(RATE_LIMITED);
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/classes");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);

  // The limit is per account: someone else signs in from the same browser as usual.
  await attemptSignIn(page, `nils.${unique}@example.test`, "correct horse battery");
  await expect(page).toHaveURL(/\/classes$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText("Nils Neighbour");
});
