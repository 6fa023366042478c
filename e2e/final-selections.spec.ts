import { type Browser, expect, type Page, test } from "@playwright/test";
import { createClass, joinClass, signUp as signUpAs } from "./helpers";

// Final selections (Kaggle's rule), with runs a real worker trains on the committed subset: a
// student trains a good and a poor model and marks the poor one final; the private board then
// ranks the final selection, not the better unselected run, and says so. The public board keeps
// the best public score.

const unique = `${Date.now().toString(36)}f`;

const signUp = (browser: Browser, name: string) => signUpAs(browser, name, unique);

/** Flatten → Dense(10): one epoch on the fixture in a few seconds. */
const TINY_MODEL = {
  class_name: "Sequential",
  config: {
    layers: [
      { class_name: "Flatten", config: { batch_input_shape: [null, 28, 28, 1] } },
      { class_name: "Dense", config: { units: 10, activation: "softmax" } },
    ],
  },
};

/** Submits the tiny model and waits on its page until it has been trained and scored. */
async function submit(student: Page, classUrl: string, name: string, learningRate: string): Promise<string> {
  await student.goto(`${classUrl}/submit`);
  await student.getByRole("tab", { name: "Paste Keras JSON" }).click();
  await student.getByLabel("Architecture (Keras model JSON)").fill(JSON.stringify(TINY_MODEL));
  await student.getByLabel("Submission name").fill(name);
  await student.getByLabel("Learning rate").fill(learningRate);
  await student.getByLabel("Max epochs").fill("1");
  await student.getByRole("button", { name: "Submit for training" }).click();
  await expect(student).toHaveURL(/\/submissions\/\w+$/);
  await expect(student.getByTestId("test-accuracy")).toHaveText(/\d+\.\d\d %/, { timeout: 60_000 });
  return student.url();
}

test("the private board ranks a student's final selection over their better unselected run", async ({ browser }) => {
  test.setTimeout(120_000);
  const owner = await signUp(browser, "Fiona Owner");
  const { classUrl, joinCode } = await createClass(owner, `Finals ${unique}`);
  const student = await signUp(browser, "Sam Selector");
  await joinClass(student, joinCode, classUrl);

  // Adam at its default learns the fixture in an epoch; at 1e-7 it barely moves from chance.
  await submit(student, classUrl, "Good run", "0.001");
  const poorUrl = await submit(student, classUrl, "Poor run", "0.0000001");

  // The poor run's page: mark it final, and the count follows.
  const toggle = student.getByRole("form", { name: "Final selection" });
  await expect(toggle.getByTestId("final-count")).toHaveText("0 of 2 selected");
  await toggle.getByRole("button", { name: "Mark as final" }).click();
  await expect(toggle.getByTestId("final-count")).toHaveText("1 of 2 selected · this one is final");
  await expect(toggle.getByRole("button", { name: "Unmark final" })).toBeVisible();
  expect(student.url()).toBe(poorUrl);

  // The grader's class page: the public board keeps the good run; the private board ranks the
  // final selection, marked, and states the rule.
  await owner.goto(classUrl);
  const rows = owner.getByTestId("leaderboard-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Good run");
  // Sam's first run: nothing earlier to compare with.
  await expect(rows.first().getByTestId("change-since-previous-best")).toContainText("first");
  const good = Number.parseFloat((await rows.first().locator("td").nth(4).textContent())!);
  await owner.getByRole("radio", { name: "Private board" }).click();
  await expect(rows.first()).toContainText("Poor run");
  await expect(rows.first().getByTestId("final-marker")).toHaveText("final");
  const poor = Number.parseFloat((await rows.first().locator("td").nth(4).textContent())!);
  // The final selection is ranked though the unselected run scored better on the private half.
  expect(good).toBeGreaterThan(poor + 10);
  // Its change since Sam's previous best (the good run, on the private half): a step down, by as much.
  const change = rows.first().getByTestId("change-since-previous-best");
  await expect(change).toContainText(/▼ −\d+\.\d\d pp/);
  const drop = Number.parseFloat((await change.textContent())!.replace(/^▼ −/, ""));
  expect(Math.abs(drop - (good - poor))).toBeLessThan(0.011);
  await expect(owner.getByTestId("board-rule")).toHaveText(
    "Private board: each student's best final submission (up to 2, marked before the deadline) by private accuracy, or their best overall when none is marked. Equal scores: the earlier submission ranks higher.",
  );

  // The manage page shows who selected what, and filters to the final selections.
  await owner.goto(`${classUrl}/manage`);
  await owner.getByLabel("Final selections only").check();
  await owner.getByRole("button", { name: "Apply filters" }).click();
  await expect(owner).toHaveURL(/final=yes/);
  const finals = owner.getByTestId("manage-submission-row");
  await expect(finals).toHaveCount(1);
  await expect(finals.first()).toContainText("Poor run");
  await expect(finals.first().getByTestId("final-marker")).toBeVisible();
});
