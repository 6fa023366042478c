import { type Browser, expect, type Page, test } from "@playwright/test";
import { signUp } from "./helpers";

// Sessions the server ends (services/sessions.ts, checked per request by request-viewer.ts) and
// the account page (app/settings/account): sign-out, "sign out everywhere", password change.

const unique = Date.now().toString(36);
const PASSWORD = "correct horse battery";

async function signInElsewhere(browser: Browser, email: string, password = PASSWORD): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/classes$/);
  return page;
}

async function expectSignedOut(page: Page): Promise<void> {
  await page.goto("/classes");
  await expect(page).toHaveURL(/\/signin\?next=%2Fclasses$/);
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
}

test("signing out ends the session: a copy of the cookie stops working too", async ({ browser }) => {
  const page = await signUp(browser, "Carl Copied", unique);
  // Someone who copied the cookie (a shared computer, a stolen backup) has the same session.
  const copy = await (await browser.newContext({ storageState: await page.context().storageState() })).newPage();
  await copy.goto("/classes");
  await expect(copy.getByTestId("signed-in-as")).toHaveText("Carl Copied");
  // API routes too (the web server keeps what the cookie says in memory: request-viewer.ts).
  for (let i = 0; i < 2; i++) expect((await copy.request.get("/api/notices")).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();
  await expectSignedOut(copy);
  expect((await copy.request.get("/api/notices")).status()).toBe(401);
});

test("sign out everywhere signs out every browser, this one included", async ({ browser }) => {
  const page = await signUp(browser, "Eve Everywhere", unique);
  const other = await signInElsewhere(browser, `eve.${unique}@example.test`);

  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Account");
  await expect(page.getByTestId("session-count")).toHaveText("You are signed in on 2 browsers, this one included.");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/signin\?signedOut=everywhere$/);
  await expect(page.getByRole("status")).toHaveText("You are signed out on every browser.");
  await expectSignedOut(page);
  await expectSignedOut(other);
});

test("changing the password checks the current one, refuses weak ones, and signs out the other browsers", async ({
  browser,
}) => {
  const page = await signUp(browser, "Pat Password", unique);
  const email = `pat.${unique}@example.test`;
  const other = await signInElsewhere(browser, email);
  await page.goto("/settings/account");
  const form = page.getByRole("form", { name: "Change password" });
  const change = async (current: string, next: string) => {
    await form.getByLabel("Current password").fill(current);
    await form.getByLabel("New password").fill(next);
    await form.getByRole("button", { name: "Change password" }).click();
  };

  await change("not my password", "a brand new passphrase");
  await expect(form.getByText("The current password is wrong.")).toBeVisible();
  await expect(form.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");

  await change(PASSWORD, "password1");
  await expect(form.getByText(/one of the 10,000 most common passwords/)).toBeVisible();
  await expect(form.getByLabel("New password")).toHaveAttribute("aria-invalid", "true");

  await change(PASSWORD, "a brand new passphrase");
  await expect(page.getByRole("status")).toHaveText("Password changed. Signed out of 1 other browser.");
  // This browser stays signed in; the other one is out, and only the new password works.
  await page.goto("/classes");
  await expect(page.getByTestId("signed-in-as")).toHaveText("Pat Password");
  await expectSignedOut(other);
  await other.getByLabel("Email").fill(email);
  await other.getByLabel("Password").fill(PASSWORD);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password.");
  await signInElsewhere(browser, email, "a brand new passphrase");
});

test("sign-up refuses a common or repetitive password next to the field", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Name").fill("Wendy Weak");
  await page.getByLabel("Email").fill(`wendy.${unique}@example.test`);
  for (const [password, reason] of [
    ["aaaaaaaa", "Avoid repeated or consecutive characters; choose something less guessable."],
    ["iloveyou", "This is one of the 10,000 most common passwords; choose something less guessable."],
    [`wendy.${unique}`, "Don't use your email address as your password."],
  ]) {
    await page.getByLabel("Password").fill(password!);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.locator("#field-password-error")).toHaveText(reason!);
    await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/signup$/);
  }
  // What was typed, except the password, is kept.
  await expect(page.getByLabel("Email")).toHaveValue(`wendy.${unique}@example.test`);
});
