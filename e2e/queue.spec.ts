import { type Browser, expect, type Page, test } from "@playwright/test";
import { createClass, denseModel, graphql, joinClass, signUp as signUpAs } from "./helpers";

// The queue in plain sight: three students' runs wait for the set-up's one worker. The last one's
// page shows its place in the queue, live, moving up as the runs ahead of it end (the first
// cancelled by its author mid-training, the second trained to the end); the grader's manage page
// lists the class's queue in the same order, and the worker with its current job.

const unique = `${Date.now().toString(36)}q`;
const signUp = (browser: Browser, name: string) => signUpAs(browser, name, unique);

const SUBMIT = `mutation($slug: String!, $name: String!, $arch: JSON!, $training: JSON) {
  submit(classSlug: $slug, name: $name, architecture: $arch, training: $training) { id } }`;

test("a queued run's position moves up as the runs ahead of it end; the grader sees the queue and the worker", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const owner = await signUp(browser, "Quinn Owner");
  const { classUrl, joinCode } = await createClass(owner, `Queue ${unique}`);
  const slug = classUrl.split("/").at(-1)!;
  const [ada, ben, cy] = [
    await signUp(browser, "Ada Queue"),
    await signUp(browser, "Ben Queue"),
    await signUp(browser, "Cy Queue"),
  ];
  for (const student of [ada, ben, cy]) await joinClass(student, joinCode, classUrl);

  const submit = async (student: Page, name: string, units: number, maxEpochs: number) =>
    (
      await graphql<{ submit: { id: string } }>(student, SUBMIT, {
        slug,
        name,
        arch: denseModel(units),
        training: { maxEpochs, earlyStopping: null },
      })
    ).submit.id;
  // Ada's run is long (she cancels it); Ben's 40 epochs (seconds: long enough for the grader's
  // page to see it queued after Ada's cancel); Cy's last.
  const adaRun = await submit(ada, "Ada long run", 256, 100);
  const benRun = await submit(ben, "Ben short run", 128, 40);
  // Long enough (seconds) that its page sees it training before it ends.
  const cyRun = await submit(cy, "Cy last run", 32, 40);

  await cy.goto(`/submissions/${cyRun}`);
  const position = cy.getByTestId("queue-position");
  // Ada's run trains (or is about to), Ben's waits ahead: Cy is second in the queue.
  await expect(position).toHaveText("Number 2 in the queue", { timeout: 20_000 });
  await expect(cy.getByTestId("queue-place")).toContainText("one run per student at a time");
  // The tab says so too, for a student who looks at another tab meanwhile.
  await expect(cy).toHaveTitle("Queued (#2) — Cy last run · Catwalk");

  // The grader's queue lists the class's runs in order, with the worker training Ada's.
  await owner.goto(`${classUrl}/manage`);
  const queue = owner.getByRole("region", { name: "Queue" });
  await expect(queue.getByTestId("queue-row")).toHaveCount(3);
  await expect(queue.getByTestId("queue-row").nth(0)).toContainText("Ada long run");
  await expect(queue.getByTestId("queue-row").nth(1)).toContainText("Ben short run");
  await expect(queue.getByTestId("queue-row").nth(2)).toContainText("Cy last run");
  await expect(queue.getByTestId("queue-row").nth(2).getByTestId("queue-row-position")).toHaveText("2");
  const trainers = owner.getByRole("region", { name: "Trainers" });
  await expect(trainers.getByTestId("trainer-doing")).toHaveText("training “Ada long run”", { timeout: 20_000 });
  await expect(trainers.getByTestId("trainer-row")).toContainText("Healthy");

  // Ada stops her run: Ben's starts, and Cy's page moves up without a reload.
  await graphql(ada, `mutation($id: ID!) { cancelSubmission(id: $id) { id } }`, { id: adaRun });
  await expect(position).toHaveText("Next to start", { timeout: 20_000 });
  // The grader's page follows (it polls): Ada's run gone, Cy's next.
  await expect(queue.getByTestId("queue-row")).toHaveCount(2, { timeout: 10_000 });
  await expect(queue.getByTestId("queue-row").nth(1).getByTestId("queue-row-position")).toHaveText("1");
  await expect(cy).toHaveTitle(/^(Queued \(#1\)|Starting|\d+ % · epoch \d+\/40) — Cy last run · Catwalk$/);

  // Ben's run trains to its end; then Cy's starts (no position while it runs) and finishes.
  await expect(cy.getByTestId("progress-epoch")).toHaveText(/^([1-9]|[1-3]\d|40) of 40$/, { timeout: 30_000 });
  await expect(position).toHaveCount(0);
  const status = await graphql<{ submission: { status: string; queuePosition: number | null } }>(
    ben,
    `query($id: ID!) { submission(id: $id) { status queuePosition } }`,
    { id: benRun },
  );
  expect(status.submission).toEqual({ status: "SUCCEEDED", queuePosition: null });
  await expect(cy.getByTestId("test-accuracy")).toHaveText(/\d+\.\d\d %/, { timeout: 30_000 });
  await expect(queue.getByTestId("queue-row")).toHaveCount(0, { timeout: 10_000 });
});
