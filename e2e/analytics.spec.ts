import { type Browser, expect, type Page, test } from "@playwright/test";
import { createClass, joinClass, signUp as signUpAs } from "./helpers";

// Class analytics on runs a real worker trains on the committed subset: two students, four runs
// of three sizes. The grader sees names, the Pareto front named as the runs' own scores say it
// must be, today's best and the summed confusions; a student sees classmates as pseudonyms until
// the grader shows architectures; the view and the filters live in the URL.

const unique = `${Date.now().toString(36)}a`;
const signUp = (browser: Browser, name: string) => signUpAs(browser, name, unique);

const dense = (units: number[], dropout?: number) => ({
  class_name: "Sequential",
  config: {
    layers: [
      { class_name: "Flatten", config: { batch_input_shape: [null, 28, 28, 1] } },
      ...units.flatMap((u) => [
        { class_name: "Dense", config: { units: u, activation: "relu" } },
        ...(dropout ? [{ class_name: "Dropout", config: { rate: dropout } }] : []),
      ]),
      { class_name: "Dense", config: { units: 10, activation: "softmax" } },
    ],
  },
});

async function submit(
  student: Page,
  classUrl: string,
  run: { name: string; model: object; learningRate: string; batchSize: string },
): Promise<void> {
  await student.goto(`${classUrl}/submit`);
  await student.getByRole("tab", { name: "Paste Keras JSON" }).click();
  await student.getByLabel("Architecture (Keras model JSON)").fill(JSON.stringify(run.model));
  await student.getByLabel("Submission name").fill(run.name);
  await student.getByLabel("Learning rate").fill(run.learningRate);
  await student.getByLabel("Batch size").fill(run.batchSize);
  await student.getByLabel("Max epochs").fill("1");
  await student.getByRole("button", { name: "Submit for training" }).click();
  await expect(student).toHaveURL(/\/submissions\/\w+$/);
  await expect(student.getByTestId("test-accuracy")).toHaveText(/\d+\.\d\d %/, { timeout: 90_000 });
}

interface Run {
  name: string;
  createdAt: string;
  author: { name: string };
  result: { testAccuracy: number; publicAccuracy: number; paramCount: number; confusionMatrix: number[][] };
}

const percent = (v: number) => `${(v * 100).toFixed(2)} %`;

test("class analytics: the Pareto front named, today's best, summed confusions, pseudonyms, URL state", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const owner = await signUp(browser, "Grace Grader");
  const { classUrl, joinCode } = await createClass(owner, `Analytics ${unique}`);
  const ada = await signUp(browser, "Ada Analyst");
  await joinClass(ada, joinCode, classUrl);
  const ben = await signUp(browser, "Ben Builder");
  await joinClass(ben, joinCode, classUrl);

  await submit(ada, classUrl, { name: "ada-tiny", model: dense([]), learningRate: "0.001", batchSize: "32" });
  await submit(ben, classUrl, { name: "ben-mlp32", model: dense([32]), learningRate: "0.003", batchSize: "64" });
  await submit(ada, classUrl, {
    name: "ada-mlp64",
    model: dense([64], 0.2),
    learningRate: "0.001",
    batchSize: "16",
  });
  // The tiny model at a learning rate too small to learn: the same size as ada-tiny, less accurate.
  await submit(ben, classUrl, { name: "ben-stuck", model: dense([]), learningRate: "0.0000001", batchSize: "32" });

  // What the runs scored, from the API (the grader's full-test-set numbers).
  const response = await owner.request.post("/api/graphql", {
    data: {
      query: `query($s: String!) { submissions(classSlug: $s) { name createdAt author { name } result { testAccuracy publicAccuracy paramCount confusionMatrix } } }`,
      variables: { s: new URL(classUrl).pathname.split("/").pop() },
    },
  });
  const runs = ((await response.json()).data.submissions as Run[]).filter((r) => r.result);
  expect(runs).toHaveLength(4);
  // The Pareto front by its definition: nothing both no bigger and no less accurate, and better in one.
  const frontBy = (accuracy: (r: Run) => number, label: (r: Run) => string) =>
    runs
      .filter(
        (r) =>
          !runs.some(
            (o) =>
              o !== r &&
              o.result.paramCount <= r.result.paramCount &&
              accuracy(o) >= accuracy(r) &&
              (o.result.paramCount < r.result.paramCount || accuracy(o) > accuracy(r)),
          ),
      )
      .sort((a, b) => a.result.paramCount - b.result.paramCount || accuracy(b) - accuracy(a))
      .map(label);
  const front = frontBy(
    (r) => r.result.testAccuracy,
    (r) => `${r.author.name} · ${r.name}`,
  );
  // Ada's view: the public half, Ben as Student 2 (the second to submit), without his runs' names.
  const adaFront = frontBy(
    (r) => r.result.publicAccuracy,
    (r) => (r.author.name === "Ada Analyst" ? `You · ${r.name}` : "Student 2"),
  );
  expect(front).not.toContain("Ben Builder · ben-stuck");
  expect(front.length).toBeGreaterThanOrEqual(1);

  // The grader: from the class page's link, names on the front.
  await owner.goto(classUrl);
  await owner.getByRole("link", { name: "Class analytics" }).click();
  await expect(owner).toHaveURL(/\/analytics$/);
  await expect(owner.getByTestId("analytics-scope")).toContainText("4 succeeded runs");
  await expect(owner.getByTestId("analytics-scope")).toContainText("the full test set");
  const rows = owner.getByTestId("pareto-row");
  await expect(rows.locator("td:first-child")).toHaveText(front);
  await expect(owner.getByRole("img", { name: /Pareto front, cheapest first/ })).toHaveAccessibleName(
    new RegExp(front.join(", ").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
  );
  await owner.screenshot({ path: "e2e/artifacts/analytics.png", fullPage: true });

  // By day: today's best is the best run's accuracy (all four finished today, UTC).
  await owner.getByRole("tab", { name: "By day" }).click();
  await expect(owner).toHaveURL(/view=days/);
  const today = new Date().toISOString().slice(0, 10);
  const best = Math.max(...runs.map((r) => r.result.testAccuracy));
  await expect(owner.locator(`[data-day="${today}"] [data-testid="day-best"]`)).toHaveText(percent(best));
  await owner.screenshot({ path: "e2e/artifacts/analytics-days.png", fullPage: true });

  // Confused pairs: the top pair's count is the sum over each author's latest run's matrix.
  await owner.getByRole("tab", { name: "Confused classes" }).click();
  const latest = ["Ada Analyst", "Ben Builder"].map(
    (name) => runs.filter((r) => r.author.name === name).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]!,
  );
  const sums: { t: number; p: number; count: number }[] = [];
  for (let t = 0; t < 10; t++)
    for (let p = 0; p < 10; p++)
      if (t !== p) sums.push({ t, p, count: latest.reduce((s, r) => s + r.result.confusionMatrix[t]![p]!, 0) });
  sums.sort((a, b) => b.count - a.count || a.t - b.t || a.p - b.p);
  const firstPair = owner.getByTestId("confused-pair").first();
  await expect(firstPair.getByTestId("confused-count")).toHaveText(sums[0]!.count.toLocaleString("en-US"));
  await expect(owner.getByTestId("confused-pair")).toHaveCount(10);
  await owner.screenshot({ path: "e2e/artifacts/analytics-confusion.png", fullPage: true });

  // Tabs by keyboard: Home goes back to the first view.
  await owner.getByRole("tab", { name: "Confused classes" }).press("Home");
  await expect(owner.getByRole("tab", { name: "Accuracy vs size" })).toBeFocused();
  await expect(owner).not.toHaveURL(/view=/);

  // A student: classmates are pseudonyms, their own runs "You", on the public half.
  await ada.goto(`${classUrl}/analytics`);
  await expect(ada.getByTestId("analytics-scope")).toContainText("the public half");
  await expect(ada.locator("main")).not.toContainText("Ben Builder");
  await expect(ada.locator("main")).not.toContainText("ben-mlp32");
  await expect(ada.getByTestId("pareto-row").locator("td:first-child")).toHaveText(adaFront);
  await ada.screenshot({ path: "e2e/artifacts/analytics-student.png", fullPage: true });

  // The grader shows architectures: names for everyone.
  await owner.goto(`${classUrl}/manage`);
  await owner.getByLabel("Show architectures on the leaderboard").check();
  await owner.getByRole("button", { name: "Save settings" }).click();
  await expect(owner.getByRole("form", { name: "Class settings" }).getByRole("status")).toHaveText("Settings saved.");
  await ada.reload();
  await expect(ada.getByTestId("analytics-scope")).toContainText("named by their authors");
  await ada.getByRole("tab", { name: "Hyperparameters" }).click();
  await expect(ada.getByRole("table", { name: /most accurate runs that match/ })).toContainText("Ben Builder");

  // Filters by keyboard land in the URL; the shared link shows the same selection.
  await ada.getByLabel("depth (weighted layers): at least").fill("2");
  await ada.getByLabel("depth (weighted layers): at least").press("Enter");
  await expect(ada).toHaveURL(/view=hyperparameters.*depth=2~/);
  await expect(ada.getByTestId("pc-matching")).toHaveText("2 of 4 runs match");
  await ada.screenshot({ path: "e2e/artifacts/analytics-hyperparameters.png", fullPage: true });
  const shared = ada.url();
  const again = await ben.context().newPage();
  await again.goto(shared);
  await expect(again.getByTestId("pc-matching")).toHaveText("2 of 4 runs match");
  await expect(again.getByLabel("depth (weighted layers): at least")).toHaveValue("2");

  // At phone width nothing sticks out sideways: the class page's header, and each view.
  const phoneContext = await browser.newContext({
    viewport: { width: 390, height: 844 },
    storageState: await owner.context().storageState(),
  });
  const phone = await phoneContext.newPage();
  const overflow = () =>
    phone.evaluate(() => ({
      px: document.documentElement.scrollWidth - window.innerWidth,
      wide: [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5)
        .map(
          (e) =>
            `${e.tagName.toLowerCase()}.${String(e.getAttribute("class") ?? "").slice(0, 60)} (right ${Math.round(e.getBoundingClientRect().right)})`,
        ),
    }));
  for (const path of [
    "",
    "/analytics",
    "/analytics?view=hyperparameters",
    "/analytics?view=days",
    "/analytics?view=confusion",
  ]) {
    await phone.goto(`${classUrl}${path}`);
    await expect(phone.getByRole("heading", { level: 1 })).toBeVisible();
    const { px, wide } = await overflow();
    expect(px, `${path}: ${wide.join("\n")}`).toBeLessThanOrEqual(0);
  }
  await phoneContext.close();

  // Brushing by pointer: a drag over the whole accuracy axis keeps all of the depth-filtered runs; a click clears it.
  const axis = (await again.getByTestId("brush-accuracy").boundingBox())!;
  await again.mouse.move(axis.x + axis.width / 2, axis.y + 1);
  await again.mouse.down();
  await again.mouse.move(axis.x + axis.width / 2, axis.y + axis.height / 2, { steps: 5 });
  await again.mouse.up();
  await expect(again).toHaveURL(/accuracy=/);
  await again.getByRole("button", { name: "Clear filters" }).click();
  await expect(again.getByTestId("pc-matching")).toHaveText("4 of 4 runs match");
  await expect(again).not.toHaveURL(/depth=/);
});
