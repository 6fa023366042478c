import { type Browser, expect, type Page, test } from "@playwright/test";
import { createClass, joinClass, signUp as signUpAs } from "./helpers";

// Comparing submissions with runs a real worker trains on the committed subset: a student's two
// runs that differ in one training field (learning rate) and one layer field (units), and a
// classmate's run. Checks what the view says (the changed fields with both values, the accuracy
// as each run's own page shows it, the confusion-matrix difference cell by cell), who may compare
// what (a classmate's run only once the grader shows architectures), and the keyboard grid.

const unique = `${Date.now().toString(36)}c`;

const signUp = (browser: Browser, name: string) => signUpAs(browser, name, unique);

/** Flatten → Dense(units, relu) → Dense(10): two epochs on the fixture in a few seconds. */
const model = (units: number) => ({
  class_name: "Sequential",
  config: {
    layers: [
      { class_name: "Flatten", config: { batch_input_shape: [null, 28, 28, 1] } },
      { class_name: "Dense", config: { units, activation: "relu" } },
      { class_name: "Dense", config: { units: 10, activation: "softmax" } },
    ],
  },
});

interface Run {
  id: string;
  url: string;
  /** The test accuracy its own page shows. */
  accuracy: string;
}

/** Submits a model and waits on its page until it has been trained and scored. */
async function submit(page: Page, classUrl: string, name: string, units: number, learningRate: string): Promise<Run> {
  await page.goto(`${classUrl}/submit`);
  await page.getByRole("tab", { name: "Paste Keras JSON" }).click();
  await page.getByLabel("Architecture (Keras model JSON)").fill(JSON.stringify(model(units)));
  await page.getByLabel("Submission name").fill(name);
  await page.getByLabel("Learning rate").fill(learningRate);
  await page.getByLabel("Max epochs").fill("2");
  await page.getByRole("button", { name: "Submit for training" }).click();
  await expect(page).toHaveURL(/\/submissions\/\w+$/);
  const accuracy = page.getByTestId("test-accuracy");
  await expect(accuracy).toHaveText(/\d+\.\d\d %/, { timeout: 60_000 });
  const url = page.url();
  return { id: url.split("/").pop()!, url, accuracy: (await accuracy.textContent())!.trim() };
}

/** Every cell's number of one of the compare page's matrices, row by row. */
async function matrixOf(page: Page, testId: string): Promise<number[][]> {
  const values = await page
    .getByTestId(testId)
    .locator("[role=gridcell]")
    .evaluateAll((cells) => cells.map((c) => Number((c.getAttribute("data-value") ?? "").replace("−", "-"))));
  expect(values).toHaveLength(100);
  return Array.from({ length: 10 }, (_, t) => values.slice(t * 10, t * 10 + 10));
}

test("compare: diffs of a student's runs, a classmate's only once architectures are shown", async ({ browser }) => {
  test.setTimeout(180_000);
  const owner = await signUp(browser, "Greta Grader");
  const { classUrl, joinCode } = await createClass(owner, `Compare ${unique}`);
  const student = await signUp(browser, "Cody Comparer");
  await joinClass(student, joinCode, classUrl);
  const classmate = await signUp(browser, "Olive Other");
  await joinClass(classmate, joinCode, classUrl);

  const olive = await submit(classmate, classUrl, "Olive's run", 24, "0.003");
  const a = await submit(student, classUrl, "Narrow run", 16, "0.001");
  const b = await submit(student, classUrl, "Wide run", 32, "0.01");

  // Picking from "My submissions": tick both, and the bar links to the compare view.
  await student.goto(classUrl);
  const mine = student.getByRole("region", { name: "My submissions" });
  await mine.getByRole("checkbox", { name: "Compare Narrow run" }).check();
  const bar = student.getByRole("region", { name: "Comparison" });
  await expect(bar).toContainText("1 of 4 picked: Narrow run (pick one more)");
  await mine.getByRole("checkbox", { name: "Compare Wide run" }).check();
  // The leaderboard row of the same run shows it ticked: one selection for the page.
  await student.getByRole("radio", { name: "All submissions" }).click();
  await expect(student.getByRole("checkbox", { name: "Compare Wide run by Cody Comparer" })).toBeChecked();
  // Before the grader shows architectures, a classmate's row has no tick box.
  await expect(student.getByRole("checkbox", { name: "Compare Olive's run by Olive Other" })).toHaveCount(0);
  await bar.getByRole("link", { name: "Compare selected (2)" }).click();
  await expect(student).toHaveURL(`${classUrl}/compare?ids=${a.id},${b.id}`);

  await expect(student.getByRole("heading", { level: 1 })).toHaveText("Compare 2 submissions");
  const compared = student.getByTestId("compared-submission");
  await expect(compared).toHaveCount(2);
  await expect(compared.nth(0)).toContainText("ANarrow run");
  await expect(compared.nth(1)).toContainText("BWide run");

  // Accuracy as each run's own page shows it.
  await expect(student.getByTestId("metric-accuracy-0")).toHaveText(a.accuracy);
  await expect(student.getByTestId("metric-accuracy-1")).toHaveText(b.accuracy);
  await expect(student.getByTestId("metric-params-0")).toHaveText("12,730");
  await expect(student.getByTestId("metric-params-1")).toHaveText("25,450");

  // The training diff: the learning rate changed, highlighted, with both values; the batch size did not.
  const lr = student.getByTestId("training-learningRate-1");
  await expect(lr).toHaveAttribute("data-changed", "true");
  await expect(lr).toHaveText("0.01changed; base: 0.001");
  await expect(lr).toHaveClass(/bg-amber-100/);
  await expect(student.getByTestId("training-batchSize-1")).not.toHaveAttribute("data-changed", "true");

  // The layer diff: the hidden Dense layer changed its units (and so its shape and params).
  const rows = student.getByTestId("layer-diff-row");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toHaveAttribute("data-kind", "same");
  await expect(rows.nth(1)).toHaveAttribute("data-kind", "changed");
  const units = rows.nth(1).getByTestId("layer-change").first();
  await expect(units).toHaveText("units 16 → changed to 32");
  await expect(units.locator(".bg-amber-200")).toHaveText("32");
  await expect(rows.nth(1).getByTestId("layer-change").nth(1)).toHaveText(
    "output shape (None, 16) → changed to (None, 32)",
  );

  // The confusion-matrix difference is B − A in every cell, and A's matrix is the one on A's page.
  const [cmA, cmB, diff] = await Promise.all([
    matrixOf(student, "cm-A"),
    matrixOf(student, "cm-B"),
    matrixOf(student, "cm-diff-B"),
  ]);
  expect(diff).toEqual(cmB.map((row, t) => row.map((v, p) => v - cmA[t]![p]!)));
  expect(diff.some((row) => row.some((v) => v !== 0))).toBe(true);
  for (const row of diff) expect(row.reduce((x, y) => x + y, 0)).toBe(0);
  // The keyboard: the grid's first cell takes focus, the arrow keys move it, each cell names its numbers.
  const first = student.getByTestId("cm-diff-B-cell-0-0");
  await first.focus();
  await student.keyboard.press("ArrowRight");
  const next = student.getByTestId("cm-diff-B-cell-0-1");
  await expect(next).toBeFocused();
  await expect(next).toHaveAttribute(
    "aria-label",
    new RegExp(
      `^True T-shirt/top, predicted Trouser: A · Narrow run ${cmA[0]![1]}, B · Wide run ${cmB[0]![1]}, difference`,
    ),
  );
  // The per-class F1 change: a bar per class with its signed value in text.
  await expect(student.getByTestId("f1-B").locator("[data-testid^=f1-B-bar-]")).toHaveCount(10);
  await student.screenshot({ path: "e2e/artifacts/compare-student.png", fullPage: true });
  // At phone width nothing widens the page: wide tables scroll inside their cards.
  await student.setViewportSize({ width: 390, height: 844 });
  const overflow = await student.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await student.setViewportSize({ width: 1280, height: 720 });

  // One pick is not a comparison: the page says what to do instead of failing.
  await student.goto(`${classUrl}/compare?ids=${a.id}`);
  await expect(student.getByTestId("compare-error")).toHaveText("Pick at least 2 submissions to compare.");

  await student.goto(a.url);
  await expect(student.getByTestId("cm-cell-6-0")).toHaveAttribute("aria-label", new RegExp(`: ${cmA[6]![0]} images`));

  // A classmate's run: refused while the class keeps architectures to their authors.
  const withOlive = `${classUrl}/compare?ids=${a.id},${olive.id}`;
  expect((await student.goto(withOlive))!.status()).toBe(403);

  await owner.goto(`${classUrl}/manage`);
  await owner.getByLabel("Show architectures on the leaderboard").check();
  await owner.getByRole("button", { name: "Save settings" }).click();
  await expect(owner.getByRole("form", { name: "Class settings" }).getByRole("status")).toHaveText("Settings saved.");

  expect((await student.goto(withOlive))!.status()).toBe(200);
  await expect(student.getByTestId("compared-submission").nth(1)).toContainText("Olive's run");
  await expect(student.getByTestId("compared-submission").nth(1)).toContainText("by Olive Other");
  // Olive's run is not the student's to open: its name is not a link.
  await expect(student.getByRole("link", { name: "Olive's run", exact: true })).toHaveCount(0);
  await student.goto(classUrl);
  await expect(student.getByRole("checkbox", { name: "Compare Olive's run by Olive Other" })).toBeVisible();

  // The grader picks three from the leaderboard and makes the second the base: the URL holds it.
  await owner.goto(classUrl);
  await owner.getByRole("radio", { name: "All submissions" }).click();
  for (const name of ["Narrow run by Cody Comparer", "Wide run by Cody Comparer", "Olive's run by Olive Other"]) {
    await owner.getByRole("checkbox", { name: `Compare ${name}` }).check();
  }
  await owner.getByRole("region", { name: "Comparison" }).getByRole("link", { name: "Compare selected (3)" }).click();
  await expect(owner.getByRole("heading", { level: 1 })).toHaveText("Compare 3 submissions");
  await owner.getByRole("link", { name: /^Diff the others against Wide run/ }).click();
  await expect(owner).toHaveURL(new RegExp(`base=${b.id}$`));
  await expect(owner.getByTestId("compared-submission").nth(1)).toContainText("base");
  await expect(owner.getByTestId("training-learningRate-0")).toHaveText("0.001changed; base: 0.01");
  await expect(owner.getByTestId("metric-accuracy-0")).not.toHaveText("—");
  await owner.setViewportSize({ width: 1280, height: 900 });
  await owner.screenshot({ path: "e2e/artifacts/compare.png", fullPage: true });
});
