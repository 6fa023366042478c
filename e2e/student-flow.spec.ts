import { type Browser, expect, type Page, test } from "@playwright/test";
import { createClass, joinClass, signUp as signUpAs } from "./helpers";

// A student builds the course report's CNN layer by layer, submits it, watches a real worker
// train it on the committed Fashion-MNIST subset, and explores the confusion matrix.

const unique = `${Date.now().toString(36)}s`;

const signUp = (browser: Browser, name: string) => signUpAs(browser, name, unique);

async function addLayer(page: Page, type: string, fields: Record<string, string> = {}) {
  await page.getByLabel("New layer").selectOption(type);
  await page.getByRole("button", { name: "Add layer" }).click();
  const n = await page.getByTestId("builder-layer").count();
  for (const [label, value] of Object.entries(fields)) {
    const input = page.getByLabel(`${label} of layer ${n} (${type})`, { exact: true });
    if ((await input.evaluate((el) => el.tagName)) === "SELECT") await input.selectOption(value);
    else await input.fill(value);
  }
}

test("a student builds the report's CNN, watches it train, and opens a confusion-matrix cell", async ({ browser }) => {
  test.setTimeout(180_000);
  const owner = await signUp(browser, "Grace Grader");
  const { classUrl, joinCode } = await createClass(owner, `Fashion ${unique}`);

  const student = await signUp(browser, "Sam Student");
  await joinClass(student, joinCode, classUrl);
  await student.getByRole("link", { name: "New submission" }).click();
  await expect(student.getByTestId("quota")).toHaveText(/5 of 5 submissions left today/);

  // Start from an empty builder: remove the preset's layers with the keyboard-reachable buttons.
  const layers = student.getByTestId("builder-layer");
  while ((await layers.count()) > 0) await student.getByRole("button", { name: /^Remove layer 1 / }).click();
  await expect(student.getByText("No layers yet")).toBeVisible();

  await addLayer(student, "Conv2D", { Filters: "64", "Kernel size": "2", Padding: "same", Activation: "relu" });
  await addLayer(student, "MaxPooling2D", { "Pool size": "2" });
  await addLayer(student, "Conv2D", { Filters: "16", "Kernel size": "2", Padding: "same", Activation: "tanh" });
  await addLayer(student, "MaxPooling2D", { "Pool size": "2" });
  await addLayer(student, "Dense", { Units: "128", Activation: "relu" });
  // Dense on a 7×7×16 feature map: the trainer's validator names the problem on the final layer.
  await addLayer(student, "Dense", { Units: "10", Activation: "softmax" });
  await expect(layers.nth(5)).toContainText(
    "the output must be 10 class scores, shape (None, 10); the last layer gives (None, 7, 7, 10)",
  );
  await expect(student.getByLabel("Units of layer 6 (Dense)", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(student.getByRole("button", { name: "Submit for training" })).toBeDisabled();
  // Insert Flatten: add it at the end and move it up above the two Dense layers.
  await addLayer(student, "Flatten");
  await student.getByRole("button", { name: "Move layer 7 (Flatten) up" }).click();
  await student.keyboard.press("Enter"); // focus stays on the moved layer's "up" button
  await expect(layers.nth(4)).toContainText("Flatten");

  // A field error points at the layer and field, then clears.
  const filters = student.getByLabel("Filters of layer 1 (Conv2D)", { exact: true });
  await filters.fill("0");
  await expect(filters).toHaveAttribute("aria-invalid", "true");
  await expect(layers.nth(0)).toContainText("filters must be ≥ 1");
  await filters.fill("64");

  await expect(student.getByTestId("total-params")).toHaveText("106,202");
  await expect(student.getByText("Estimated time per epoch")).toBeVisible();
  await student.getByLabel("Submission name").fill("Report CNN by hand");
  await student.getByLabel("Max epochs").fill("2");
  await student.screenshot({ path: "e2e/artifacts/submit-builder.png", fullPage: true });
  // The grader keeps the class page open: the leaderboard must update without a reload.
  await owner.goto(classUrl);
  await expect(owner.getByTestId("leaderboard-row")).toHaveCount(0);
  await student.getByRole("button", { name: "Submit for training" }).click();

  await expect(student).toHaveURL(/\/submissions\/\w+$/);
  const submissionUrl = student.url();
  await expect(student.getByRole("heading", { level: 1 })).toHaveText("Report CNN by hand");
  // Live progress from the event stream, then the results once the worker is done.
  await expect(student.getByRole("progressbar", { name: "Training progress" })).toBeVisible();
  await expect(student.getByTestId("progress-epoch")).toHaveText(/[12] of 2/, { timeout: 90_000 });
  await student.screenshot({ path: "e2e/artifacts/submission-training.png", fullPage: true });
  await expect(student.getByRole("heading", { name: "Where it goes wrong" })).toBeVisible({ timeout: 120_000 });
  await expect(student.getByTestId("test-accuracy")).toHaveText(/\d+\.\d\d %/);
  await expect(student.getByTestId("per-class").getByRole("row")).toHaveCount(11);

  // Open the most populated off-diagonal cell and see its images.
  const cells = await student
    .locator('[data-testid^="cm-cell-"]')
    .evaluateAll((els) =>
      els.map((el) => ({ id: el.getAttribute("data-testid")!, n: Number(el.querySelector("text")?.textContent ?? 0) })),
    );
  const off = cells
    .filter((c) => {
      const [, , t, p] = c.id.split("-");
      return t !== p;
    })
    .sort((a, b) => b.n - a.n)[0]!;
  expect(off.n).toBeGreaterThan(0);
  await student.getByTestId(off.id).click();
  const gallery = student.getByTestId("gallery");
  await expect(gallery.getByRole("heading")).toHaveText(/ predicted as /);
  const images = gallery.getByRole("img");
  await expect(images.first()).toBeVisible();
  expect(await images.count()).toBe(Math.min(off.n, 60));
  await expect
    .poll(() => images.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBe(28);
  await expect(gallery).toContainText("public half of the test set only");
  await student.screenshot({ path: "e2e/artifacts/submission-results.png", fullPage: true });

  await expect(owner.getByTestId("leaderboard-row").filter({ hasText: "Report CNN by hand" })).toBeVisible({
    timeout: 15_000,
  });
  await expect(owner.getByRole("columnheader", { name: /Private accuracy/ })).toBeVisible();

  // "Copy into the builder" opens the same model, and the JSON tab validates what is pasted.
  await student.getByRole("link", { name: "Copy into the builder" }).click();
  await expect(student.getByLabel("Submission name")).toHaveValue("Report CNN by hand (copy)");
  await expect(student.getByTestId("total-params")).toHaveText("106,202");
  await expect(student.getByLabel("Max epochs")).toHaveValue("2");
  await student.getByRole("tab", { name: "Paste Keras JSON" }).click();
  const json = student.getByLabel("Architecture (Keras model JSON)");
  await expect(json).toHaveValue(/"class_name": "Conv2D"/);
  await json.fill(
    JSON.stringify({
      class_name: "Sequential",
      config: {
        layers: [
          { class_name: "Conv2D", config: { filters: 8, kernel_size: [30, 30], batch_input_shape: [null, 28, 28, 1] } },
          { class_name: "Flatten", config: {} },
          { class_name: "Dense", config: { units: 10, activation: "softmax" } },
        ],
      },
    }),
  );
  await expect(student.getByTestId("model-errors")).toContainText(
    "kernel_size window 30 is larger than the height (28)",
  );
  await expect(student.getByRole("button", { name: "Submit for training" })).toBeDisabled();

  // The same page at phone width.
  const phoneContext = await browser.newContext({
    viewport: { width: 390, height: 844 },
    storageState: await student.context().storageState(),
  });
  const phone = await phoneContext.newPage();
  await phone.goto(submissionUrl);
  await expect(phone.getByTestId("confusion-matrix")).toBeVisible();
  const overflow = await phone.evaluate(() => ({
    px: document.documentElement.scrollWidth - window.innerWidth,
    // What sticks out, for the failure message (children of scroll containers are not the culprit).
    wide: [...document.querySelectorAll("main *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${String(e.getAttribute("class") ?? "").slice(0, 60)}`),
  }));
  expect(overflow.px, overflow.wide.join("\n")).toBeLessThanOrEqual(0);
  await phone.screenshot({ path: "e2e/artifacts/submission-phone.png", fullPage: true });

  // It is on the class leaderboard; the grader sees it too and may open the private half.
  await student.goto(classUrl);
  const row = student.getByTestId("leaderboard-row").filter({ hasText: "Report CNN by hand" });
  await expect(row).toContainText("106,202");
  await expect(student.getByTestId("baseline-row")).toHaveCount(3);
  await expect(student.getByTestId("baseline-row").first()).toContainText("91.24 %");
  const paramsHeader = student.getByRole("columnheader", { name: /Params/ });
  await paramsHeader.getByRole("button").click();
  await expect(paramsHeader).toHaveAttribute("aria-sort", "descending");
  await paramsHeader.getByRole("button").click();
  await expect(paramsHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(student.getByRole("columnheader", { name: /Private accuracy/ })).toHaveCount(0);
  await student.screenshot({ path: "e2e/artifacts/class-leaderboard.png", fullPage: true });
  await owner.goto(submissionUrl);
  await owner.getByTestId(off.id).click();
  await expect(owner.getByTestId("gallery").getByRole("heading")).toHaveText(/ predicted as /);
  await expect(owner.getByTestId("gallery")).not.toContainText("public half of the test set only");
});
