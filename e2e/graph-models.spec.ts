import { readFileSync } from "node:fs";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { createClass, joinClass, signUp as signUpAs } from "./helpers";

// Graph models (issue #15) on the submit page: the builder's residual and branch-and-concatenate
// blocks, and a pasted Keras 3 Functional model, each with Keras's "Connected to" column; the
// pasted one is submitted and a real worker trains it.

const unique = `${Date.now().toString(36)}g`;
const signUp = (browser: Browser, name: string) => signUpAs(browser, name, unique);
const residual = readFileSync(new URL("../trainer/test/keras/keras3-residual.json", import.meta.url), "utf8");

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

test("a student builds a graph with blocks, pastes a Keras 3 residual model and trains it", async ({ browser }) => {
  test.setTimeout(180_000);
  const owner = await signUp(browser, "Gus Grader");
  const { classUrl, joinCode } = await createClass(owner, `Graphs ${unique}`);
  const student = await signUp(browser, "Gina Graph");
  await joinClass(student, joinCode, classUrl);
  await student.getByRole("link", { name: "New submission" }).click();
  await expect(student.getByTestId("quota")).toHaveText(/5 of 5 submissions left today/);

  const layers = student.getByTestId("builder-layer");
  while ((await layers.count()) > 0) await student.getByRole("button", { name: /^Remove layer 1 / }).click();
  await expect(student.getByText("No layers yet")).toBeVisible();
  await addLayer(student, "Conv2D", { Filters: "8", "Kernel size": "3", Padding: "same", Activation: "relu" });
  await addLayer(student, "ResidualBlock", { Filters: "8" });
  await addLayer(student, "BranchConcatBlock", { "Filters per conv branch": "4" });
  await addLayer(student, "Flatten");
  await addLayer(student, "Dense", { Units: "10", Activation: "softmax" });
  // By hand: conv 80; residual 2·(3·3·8·8+8) = 1,168; branches 36 + 292; dense 28·28·16·10+10.
  await expect(layers.nth(1)).toContainText("Residual block");
  await expect(layers.nth(1)).toContainText("→ (None, 28, 28, 8) · 1,168 params");
  await expect(layers.nth(2)).toContainText("→ (None, 28, 28, 16) · 328 params");
  await expect(student.getByTestId("total-params")).toHaveText("127,026");
  await expect(student.getByRole("columnheader", { name: "Connected to" })).toBeVisible();
  await expect(student.getByTestId("connected-to").filter({ hasText: "conv2d[0][0], conv2d_2[0][0]" })).toHaveCount(1);

  // The JSON tab shows it as a Keras Functional model, which the builder can't edit as a list.
  await student.getByRole("tab", { name: "Paste Keras JSON" }).click();
  const json = student.getByLabel("Architecture (Keras model JSON)");
  await expect(json).toHaveValue(/"class_name": "Functional"/);
  await json.fill(residual);
  await expect(student.getByTestId("total-params")).toHaveText("33,850");
  await expect(student.getByTestId("connected-to").filter({ hasText: "conv2d[0][0], conv2d_1[0][0]" })).toHaveCount(1);
  await student.getByRole("button", { name: "Open in the builder" }).click();
  await expect(student.getByText("This is a graph model (branches and merges)")).toBeVisible();

  await student.getByLabel("Submission name").fill("Residual from Keras 3");
  await student.getByLabel("Max epochs").fill("1");
  await student.getByRole("button", { name: "Submit for training" }).click();
  await expect(student).toHaveURL(/\/submissions\/\w+$/);
  await expect(student.getByRole("heading", { name: "Where it goes wrong" })).toBeVisible({ timeout: 150_000 });
  await expect(student.getByTestId("test-accuracy")).toHaveText(/\d+\.\d\d %/);
});
