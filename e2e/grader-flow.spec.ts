import { readFile } from "node:fs/promises";
import { type Browser, expect, test } from "@playwright/test";
import { createClass, joinClass, signUp as signUpAs } from "./helpers";

// A grader runs a class: a student submits a tiny model that a real worker trains on the
// committed Fashion-MNIST subset; the grader finds it on the manage page, filters, reveals the
// private board (the student then sees the private column) and downloads the leaderboard CSV.

const unique = `${Date.now().toString(36)}g`;

const signUp = (browser: Browser, name: string) => signUpAs(browser, name, unique);

/** Flatten → Dense(10): trains one epoch on the fixture in a few seconds. */
const TINY_MODEL = {
  class_name: "Sequential",
  config: {
    layers: [
      { class_name: "Flatten", config: { batch_input_shape: [null, 28, 28, 1] } },
      { class_name: "Dense", config: { units: 10, activation: "softmax" } },
    ],
  },
};

test("a grader manages a class: sees a submission, reveals the private board, downloads the CSV", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const className = `Grading ${unique}`;
  const owner = await signUp(browser, "Olive Owner");
  const { classUrl, joinCode } = await createClass(owner, className);

  const student = await signUp(browser, "Stella Student");
  await joinClass(student, joinCode, classUrl);
  await expect(student.getByRole("link", { name: "Manage class" })).toHaveCount(0);
  // Students are turned away by the services' own access check.
  const denied = await student.goto(`${classUrl}/manage`);
  expect(denied?.status()).toBe(403);

  await student.goto(`${classUrl}/submit`);
  await student.getByRole("tab", { name: "Paste Keras JSON" }).click();
  await student.getByLabel("Architecture (Keras model JSON)").fill(JSON.stringify(TINY_MODEL));
  await student.getByLabel("Submission name").fill("Tiny dense");
  await student.getByLabel("Max epochs").fill("1");
  await student.getByRole("button", { name: "Submit for training" }).click();
  await expect(student).toHaveURL(/\/submissions\/\w+$/);
  await expect(student.getByTestId("test-accuracy")).toHaveText(/\d+\.\d\d %/, { timeout: 120_000 });

  // The grader opens the manage page from the class page.
  await owner.goto(classUrl);
  await owner.getByRole("link", { name: "Manage class" }).click();
  await expect(owner).toHaveURL(`${classUrl}/manage`);
  await expect(owner.getByRole("heading", { level: 1 })).toHaveText(`Manage ${className}`);
  await expect(owner.getByTestId("manage-join-code")).toHaveText(joinCode);
  await expect(owner.getByTestId("roster-row")).toHaveCount(2);
  await expect(owner.getByRole("link", { name: "1 submission by Stella Student" })).toBeVisible();
  const row = owner.getByTestId("manage-submission-row").filter({ hasText: "Tiny dense" });
  await expect(row).toContainText("Stella Student");
  await expect(row).toContainText("Succeeded");
  await expect(row.getByRole("button", { name: "Re-evaluate Tiny dense by Stella Student" })).toBeVisible();
  await expect(row.getByRole("button", { name: "Retrain Tiny dense by Stella Student" })).toBeVisible();
  // The trainers: the set-up's one worker, healthy on wasm, with its heartbeat.
  const trainers = owner.getByRole("region", { name: "Trainers" });
  await expect(trainers.getByTestId("trainers-summary")).toContainText(
    "start as soon as a trainer is free (1 healthy)",
  );
  await expect(trainers.getByTestId("trainer-row")).toHaveCount(1);
  await expect(trainers.getByTestId("trainer-row")).toContainText("Healthy");
  await expect(trainers.getByTestId("trainer-row")).toContainText("wasm");

  // Filters live in the URL: a status with no match, then the student's own.
  await owner.getByLabel("Status", { exact: true }).selectOption("FAILED");
  await owner.getByRole("button", { name: "Apply filters" }).click();
  await expect(owner).toHaveURL(/status=FAILED/);
  await expect(owner.getByText("No submissions match these filters.")).toBeVisible();
  await owner.getByLabel("Status", { exact: true }).selectOption("");
  await owner.getByLabel("Student", { exact: true }).selectOption({ label: "Stella Student" });
  await owner.getByRole("button", { name: "Apply filters" }).click();
  await expect(owner).toHaveURL(/student=/);
  await expect(owner.getByTestId("manage-submission-row")).toHaveCount(1);
  await owner.getByRole("link", { name: "Clear" }).click();
  await expect(owner).toHaveURL(`${classUrl}/manage`);

  // Settings save and come back.
  await owner.getByLabel("Daily quota").fill("7");
  await owner.getByRole("button", { name: "Save settings" }).click();
  await expect(owner.getByRole("form", { name: "Class settings" }).getByRole("status")).toHaveText("Settings saved.");
  await owner.reload();
  await expect(owner.getByLabel("Daily quota")).toHaveValue("7");

  await owner.screenshot({ path: "e2e/artifacts/manage-page.png", fullPage: true });

  // Before the reveal the student has no private column.
  await student.goto(classUrl);
  await expect(student.getByTestId("leaderboard-row").filter({ hasText: "Tiny dense" })).toBeVisible();
  await expect(student.getByRole("columnheader", { name: /Private accuracy/ })).toHaveCount(0);

  // Reveal, through the confirmation dialog.
  await owner.getByRole("button", { name: "Reveal private leaderboard" }).click();
  const dialog = owner.getByRole("dialog", { name: "Reveal the private leaderboard?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Keep as is" })).toBeFocused();
  await dialog.getByRole("button", { name: "Reveal", exact: true }).click();
  await expect(owner.getByTestId("private-state")).toContainText("Revealed");
  await expect(dialog).toBeHidden();

  await student.reload();
  await expect(student.getByRole("columnheader", { name: /Private accuracy/ })).toBeVisible();
  await expect(student.getByTestId("leaderboard-row").filter({ hasText: "Tiny dense" })).toContainText(
    /\d+\.\d\d %.*\d+\.\d\d %/,
  );

  // The leaderboard CSV, read from the downloaded file.
  const [download] = await Promise.all([
    owner.waitForEvent("download"),
    owner.getByRole("link", { name: "Leaderboard CSV", exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/-leaderboard\.csv$/);
  const csv = await readFile((await download.path())!, "utf8");
  const [header, ...lines] = csv.trim().split("\r\n");
  expect(header).toBe(
    "rank,student_id,student,submission_id,submission,public_accuracy,private_accuracy,params,epochs,train_seconds,submitted_at,final,change_since_previous_best",
  );
  expect(lines).toHaveLength(1);
  const cells = lines[0]!.split(",");
  expect(cells[0]).toBe("1");
  expect(cells[2]).toBe("Stella Student");
  expect(cells[4]).toBe("Tiny dense");
  expect(Number(cells[5])).toBeGreaterThan(0.1);
  expect(Number(cells[6])).toBeGreaterThan(0.1);
  expect(cells[7]).toBe("7850");
  expect(cells[8]).toBe("1");

  // Retrain: the confirmation names the submission, the row goes back to the queue and the
  // page follows it until the worker has trained it again.
  // The tiny model can train again before the page re-renders, so "it went back to the queue" is
  // checked on the run itself (a new finish time), not on a status the row may never show.
  const submissionId = (await row.getByRole("link", { name: "Tiny dense" }).getAttribute("href"))!.split("/").at(-1)!;
  const finishedAt = async () => {
    const response = await owner.request.post("/api/graphql", {
      data: { query: "query($id: ID!) { submission(id: $id) { status finishedAt } }", variables: { id: submissionId } },
    });
    return ((await response.json()) as { data: { submission: { status: string; finishedAt: string | null } } }).data
      .submission;
  };
  const before = await finishedAt();
  // Re-evaluate: the stored model is scored again (a new evaluatedAt), nothing is trained (the
  // same finish time).
  const evaluatedAt = async () => {
    const response = await owner.request.post("/api/graphql", {
      data: {
        query: "query($id: ID!) { submission(id: $id) { result { evaluatedAt reevaluating } } }",
        variables: { id: submissionId },
      },
    });
    return ((await response.json()) as { data: { submission: { result: { evaluatedAt: string } } } }).data.submission
      .result.evaluatedAt;
  };
  const scoredAt = await evaluatedAt();
  await row.getByRole("button", { name: "Re-evaluate Tiny dense by Stella Student" }).click();
  const reevaluate = owner.getByRole("dialog", { name: "Re-evaluate “Tiny dense”?" });
  await reevaluate.getByRole("button", { name: "Re-evaluate", exact: true }).click();
  await expect(reevaluate).toBeHidden();
  await expect.poll(evaluatedAt, { timeout: 60_000 }).not.toBe(scoredAt);
  expect((await finishedAt()).finishedAt).toBe(before.finishedAt);

  await owner.reload();
  await row.getByRole("button", { name: "Retrain Tiny dense by Stella Student" }).click();
  const retrain = owner.getByRole("dialog", { name: "Retrain “Tiny dense”?" });
  await retrain.getByRole("button", { name: "Retrain", exact: true }).click();
  await expect(retrain).toBeHidden();
  await expect
    .poll(
      async () => {
        const now = await finishedAt();
        return now.status === "SUCCEEDED" && now.finishedAt !== before.finishedAt;
      },
      { timeout: 90_000 },
    )
    .toBe(true);
  await expect(row).toContainText("Succeeded", { timeout: 30_000 });
  await expect(row).toContainText(/\d+\.\d\d %/);

  // A stale or hand-edited cursor is reported, not a crash.
  await owner.goto(`${classUrl}/manage?after=not-a-cursor`);
  await expect(owner.getByRole("alert").filter({ hasText: "The cursor is not valid" })).toBeVisible();

  // The owner makes the student a grader; the roster shows it and the student can now manage.
  await owner.goto(`${classUrl}/manage`);
  await owner.getByLabel("Role of Stella Student", { exact: true }).selectOption("GRADER");
  await owner.getByRole("button", { name: "Save role of Stella Student" }).click();
  await expect(owner.getByLabel("Role of Stella Student", { exact: true })).toHaveValue("GRADER");
  // The select shows GRADER as soon as it is chosen, before the save commits: the student's page
  // is loaded again until the role is in (a page loaded in between rightly has no Manage link).
  await expect(async () => {
    await student.goto(classUrl);
    await expect(student.getByRole("link", { name: "Manage class" })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await student.getByRole("link", { name: "Manage class" }).click();
  await expect(student.getByText("Only owners change roles or remove members.")).toBeVisible();

  // The manage page at phone width: nothing sticks out sideways.
  const phoneContext = await browser.newContext({
    viewport: { width: 390, height: 844 },
    storageState: await owner.context().storageState(),
  });
  const phone = await phoneContext.newPage();
  await phone.goto(`${classUrl}/manage`);
  await expect(phone.getByTestId("manage-submission-row")).toHaveCount(1);
  const overflow = await phone.evaluate(() => ({
    px: document.documentElement.scrollWidth - window.innerWidth,
    // What sticks out, for the failure message.
    wide: [...document.querySelectorAll("main *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 8)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}.${String(e.getAttribute("class") ?? "").slice(0, 60)} ${Math.round(e.getBoundingClientRect().right)}`,
      ),
  }));
  expect(overflow.px, overflow.wide.join("\n")).toBeLessThanOrEqual(0);
  await phone.screenshot({ path: "e2e/artifacts/manage-phone.png", fullPage: true });
  await phoneContext.close();
});
