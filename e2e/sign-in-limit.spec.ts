import { expect, type Page, test } from "@playwright/test";
import { contextFrom, E2E_LIMITS, signUp } from "./helpers";

// Sign-in limits (lib/server/sign-in-limit.ts) through the real form: failures for one account
// from one address slow down progressively and the address is refused after a few failures a
// day, but nothing locks the account itself: its owner signs in from another address at once.
// Both browsers sit behind the proxy the e2e server trusts (global-setup.ts), which reports each
// one's own address.

const unique = Date.now().toString(36);
const ATTACKER = "198.51.100.66";
const OWNER_ELSEWHERE = "198.51.100.77";

/** Submits the sign-in form and returns the alert the server action answered with. */
async function attemptSignIn(page: Page, email: string, password: string): Promise<string> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  const answered = page.waitForResponse(
    (r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/signin",
  );
  await page.getByRole("button", { name: "Sign in" }).click();
  await answered;
  // The button is back once the action's new state has rendered: the alert is then current.
  await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  // (Next's route announcer is an alert too, outside the page's main content.)
  const alert = page.getByRole("main").getByRole("alert");
  await expect(alert).toBeVisible();
  return (await alert.textContent())!.trim();
}

test("an attacker's address is slowed, then refused, while the owner signs in from elsewhere", async ({ browser }) => {
  test.setTimeout(120_000);
  await signUp(browser, "Olga Owner", unique);
  const email = `olga.${unique}@example.test`;

  const attacker = await contextFrom(browser, ATTACKER);
  await attacker.goto("/signin");
  for (let i = 1; i <= E2E_LIMITS.freeFailures; i++) {
    expect(await attemptSignIn(attacker, email, `wrong password ${i}`)).toBe("Wrong email or password.");
  }

  // From here each attempt waits for the one before (1 s, 2 s, 4 s …), and the address's daily
  // failures run out after a few: wait as told until the address itself is refused.
  const slowedDown: string[] = [];
  let refused = "";
  for (let attempt = 0; attempt < 12 && !refused; attempt++) {
    const answer = await attemptSignIn(attacker, email, `wrong password again ${attempt}`);
    const wait = /^Too many failed sign-ins for this account from your network\. Try again in (\d+) s\.$/.exec(answer);
    if (wait) {
      slowedDown.push(answer);
      await attacker.waitForTimeout(Number(wait[1]) * 1000 + 200);
    } else if (answer.startsWith("Too many failed sign-ins from your network today.")) {
      refused = answer;
    } else {
      expect(answer).toBe("Wrong email or password.");
    }
  }
  expect(slowedDown.length).toBeGreaterThan(0);
  expect(refused).toMatch(/^Too many failed sign-ins from your network today\. Try again in 2[34] h\.$/);

  // The right password from the attacker's address is refused the same way, with no session.
  expect(await attemptSignIn(attacker, email, "correct horse battery")).toBe(refused);
  await expect(attacker.getByLabel("Email")).toHaveValue(email);
  await attacker.goto("/classes");
  await expect(attacker).toHaveURL(/\/signin/);

  // The owner, from another network, gets in at once with the right password.
  const owner = await contextFrom(browser, OWNER_ELSEWHERE);
  await owner.goto("/signin");
  await owner.getByLabel("Email").fill(email);
  await owner.getByLabel("Password").fill("correct horse battery");
  await owner.getByRole("button", { name: "Sign in" }).click();
  await expect(owner).toHaveURL(/\/classes$/);
  await expect(owner.getByTestId("signed-in-as")).toHaveText("Olga Owner");
});
