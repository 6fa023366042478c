import { expect, type Page, test } from "@playwright/test";
import { createClass, joinClass, signUp as signUpAs } from "./helpers";

// Membership on the manage page: a removed student stays out (the join code no longer admits
// them) until the owner re-admits them; rotating the code stops the old one at once; an expired
// code admits nobody new, and rotating after the expiry gives a code that works again.

const unique = `${Date.now().toString(36)}m`;

/** Types a code on /classes and presses Join, staying on the page (the join is refused). */
async function tryJoin(page: Page, code: string): Promise<void> {
  await page.goto("/classes");
  await page.getByLabel("Join code").fill(code);
  await page.getByRole("button", { name: "Join class" }).click();
}

async function confirm(page: Page, trigger: string, dialogName: string, confirmLabel: string): Promise<void> {
  await page.getByRole("button", { name: trigger }).click();
  const dialog = page.getByRole("dialog", { name: dialogName });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Keep as is" })).toBeFocused();
  await dialog.getByRole("button", { name: confirmLabel, exact: true }).click();
  await expect(dialog).toBeHidden();
}

test("removal lasts until re-admission; the join code rotates and expires", async ({ browser }) => {
  test.setTimeout(120_000);
  const className = `Members ${unique}`;
  const owner = await signUpAs(browser, "Mona Owner", unique);
  const { classUrl, joinCode } = await createClass(owner, className);
  const student = await signUpAs(browser, "Ravi Student", unique);
  await joinClass(student, joinCode, classUrl);

  await owner.goto(`${classUrl}/manage`);
  const removed = owner.getByRole("region", { name: "Removed" });
  await expect(removed).toContainText("Nobody has been removed.");
  await expect(owner.getByTestId("roster-row")).toHaveCount(2);
  await confirm(owner, "Remove Ravi Student", "Remove Ravi Student from the class?", "Remove");
  await expect(owner.getByTestId("roster-row")).toHaveCount(1);
  const row = removed.getByTestId("removed-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Ravi Student");
  await expect(row).toContainText("Student");
  await expect(row).toContainText("by Mona Owner");
  await owner.screenshot({ path: "e2e/artifacts/manage-members.png", fullPage: true });

  // The same code no longer lets them in, and they are told why.
  await tryJoin(student, joinCode);
  await expect(student.getByRole("alert").filter({ hasText: "You were removed" })).toHaveText(
    `You were removed from “${className}”, so its join code no longer admits you. Ask the instructor to re-admit you.`,
  );
  await expect(student).toHaveURL(/\/classes$/);
  expect((await student.goto(classUrl))?.status()).toBe(403);

  await confirm(owner, "Re-admit Ravi Student", "Re-admit Ravi Student?", "Re-admit");
  await expect(removed).toContainText("Nobody has been removed.");
  await expect(owner.getByTestId("roster-row")).toHaveCount(2);
  await expect(owner.getByLabel("Role of Ravi Student", { exact: true })).toHaveValue("STUDENT");
  expect((await student.goto(classUrl))?.status()).toBe(200);

  // Rotating: the old code stops at once, the new one admits.
  await confirm(owner, "Rotate join code", "Replace the join code?", "Rotate code");
  const code = owner.getByTestId("manage-join-code");
  await expect(code).not.toHaveText(joinCode);
  const rotated = (await code.textContent())!.trim();
  expect(rotated).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
  const late = await signUpAs(browser, "Lena Late", unique);
  await tryJoin(late, joinCode);
  await expect(late.getByText("No class has this join code.", { exact: true })).toBeVisible();
  await joinClass(late, rotated, classUrl);

  // An expiry in the past closes joining; the card says so.
  await owner.getByLabel("Join code expires (UTC)").fill("2020-01-01T00:00");
  await owner.getByRole("button", { name: "Save settings" }).click();
  await expect(owner.getByRole("form", { name: "Class settings" }).getByRole("status")).toHaveText("Settings saved.");
  await expect(owner.getByTestId("join-code-expiry")).toHaveText(/^Expired 1 Jan 2020, 00:00 UTC/);
  const third = await signUpAs(browser, "Ezra Expired", unique);
  await tryJoin(third, rotated);
  await expect(third.getByText("This join code has expired. Ask your instructor for a new one.")).toBeVisible();

  // Rotating after the expiry clears it: the fresh code works.
  await confirm(owner, "Rotate join code", "Replace the join code?", "Rotate code");
  await expect(owner.getByTestId("join-code-expiry")).toHaveText("Never expires.");
  await expect(code).not.toHaveText(rotated);
  await joinClass(third, (await code.textContent())!.trim(), classUrl);
  await owner.reload();
  await expect(owner.getByTestId("roster-row")).toHaveCount(4);
  await expect(owner.getByLabel("Join code expires (UTC)")).toHaveValue("");
});
