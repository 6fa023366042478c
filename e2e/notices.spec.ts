import { type Browser, expect, test } from "@playwright/test";
import { createClass, denseModel, graphql, joinClass, signUp as signUpAs } from "./helpers";

// A student hears in the app when their run ends: while it trains, its tab title shows how far it
// is; when it finishes, the page the student is on (any page) shows a toast with the accuracy and
// the header counts an unread notice; opening the notice goes to the run and marks it read.

const unique = `${Date.now().toString(36)}n`;
const signUp = (browser: Browser, name: string) => signUpAs(browser, name, unique);

test("a run's progress in the tab title, then a toast and an unread notice on another page", async ({ browser }) => {
  // Sixty epochs take ~20 s on a fast 2-core machine and over 45 s on a slow one (a 2-core Xeon
  // here trains 2.5× slower): the wait for the end allows for the slow one.
  test.setTimeout(180_000);
  const owner = await signUp(browser, "Nora Owner");
  const { classUrl, joinCode } = await createClass(owner, `Notices ${unique}`);
  const slug = classUrl.split("/").at(-1)!;
  const student = await signUp(browser, "Nat Student");
  await joinClass(student, joinCode, classUrl);

  // Long enough (seconds) for its page to see it training before it ends.
  const { submit } = await graphql<{ submit: { id: string } }>(
    student,
    `mutation($slug: String!, $arch: JSON!, $training: JSON) {
      submit(classSlug: $slug, name: "Notice run", architecture: $arch, training: $training) { id } }`,
    { slug, arch: denseModel(256), training: { maxEpochs: 60, earlyStopping: null } },
  );
  await student.goto(`/submissions/${submit.id}`);
  await expect(student).toHaveTitle(/^(Queued( \(#\d\))?|Starting|\d+ % · epoch \d+\/60) — Notice run · Catwalk$/);
  await expect(student).toHaveTitle(/^\d+ % · epoch \d+\/60 — Notice run · Catwalk$/, { timeout: 20_000 });

  // The student moves on to the class page; the run ends there.
  await student.goto(classUrl);
  const toast = student.getByTestId("notice-toast");
  await expect(toast).toHaveText(/^“Notice run” finished: \d+\.\d\d %/, { timeout: 120_000 });
  const { submission } = await graphql<{ submission: { status: string; result: { publicAccuracy: number } } }>(
    student,
    `query($id: ID!) { submission(id: $id) { status result { publicAccuracy } } }`,
    { id: submit.id },
  );
  expect(submission.status).toBe("SUCCEEDED");
  // The toast says what the board says: the public-half accuracy.
  await expect(toast).toContainText(`${(submission.result.publicAccuracy * 100).toFixed(2)} %`);
  await expect(student.getByTestId("notice-count")).toHaveText("1");

  // The list has it, unread; opening it goes to the run and marks it read, for good.
  await student.getByTestId("notice-button").click();
  const notice = student.getByRole("region", { name: "Notices" }).getByTestId("notice");
  await expect(notice).toHaveCount(1);
  await expect(notice).toHaveAttribute("data-unread", "true");
  await expect(notice).toContainText(`Notices ${unique}`);
  await notice.getByRole("link").click();
  await expect(student).toHaveURL(new RegExp(`/submissions/${submit.id}$`));
  await expect(student.getByTestId("notice-count")).toHaveCount(0);
  await student.reload();
  await expect(student.getByTestId("notice-button")).toContainText("none unread");
  const { notices } = await graphql<{ notices: { unreadCount: number; nodes: { readAt: string | null }[] } }>(
    student,
    `query { notices { unreadCount nodes { readAt } } }`,
    {},
  );
  expect(notices.unreadCount).toBe(0);
  expect(notices.nodes[0]!.readAt).not.toBeNull();
  // Its owner ran nothing: no notices there.
  await owner.reload();
  await expect(owner.getByTestId("notice-count")).toHaveCount(0);
});
