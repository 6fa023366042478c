import { type Browser, expect, type Page, test } from "@playwright/test";
import { createClass, joinClass, signUp as signUpAs } from "./helpers";

const unique = Date.now().toString(36);

const signUp = (browser: Browser, name: string) => signUpAs(browser, name, unique);

async function graphql(page: Page, query: string, variables: Record<string, unknown> = {}) {
  const response = await page.request.post("/api/graphql", { data: { query, variables } });
  return (await response.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
}

test("sign up, create a class, a second user joins by code and submits, and sees it on the class page", async ({
  browser,
}) => {
  const owner = await signUp(browser, "Olivia Owner");
  const { classUrl, joinCode } = await createClass(owner, `Vision Lab ${unique}`);
  expect(joinCode).toMatch(/^[A-Z0-9]{8}$/);
  await owner.screenshot({ path: "e2e/artifacts/class-page-owner.png", fullPage: true });

  const student = await signUp(browser, "Stella Student");
  await joinClass(student, joinCode.toLowerCase(), classUrl);
  await expect(student.getByTestId("join-code")).toHaveCount(0); // students don't see it

  await student.getByRole("link", { name: "New submission" }).click();
  await student.getByLabel("Submission name").fill("My first MLP");
  // The run is cancelled below: without early stopping it lasts minutes even on the committed
  // subset, so it can't finish first (the preset's patience-2 recipe can stop within seconds).
  await student.getByLabel("Early stopping").uncheck();
  await student.getByLabel("Max epochs").fill("100");
  await student.getByRole("button", { name: "Submit for training" }).click();
  await expect(student).toHaveURL(/\/submissions\/\w+$/);
  const submissionUrl = student.url();
  await expect(student.getByRole("heading", { level: 1 })).toHaveText("My first MLP");
  // The e2e setup runs a real worker, so the submission may already be training.
  await expect(student.getByText(/^(Queued|Running)$/)).toBeVisible();

  await student.goto(classUrl);
  const row = student.getByTestId("submission-row").filter({ hasText: "My first MLP" });
  await expect(row).toBeVisible();
  await expect(row.getByText(/^(Queued|Running)$/)).toBeVisible();
  await student.screenshot({ path: "e2e/artifacts/class-page-student.png", fullPage: true });

  // The owner (a grader) sees the student's submission too, with the author named.
  await owner.reload();
  await expect(owner.getByTestId("submission-row").filter({ hasText: "Stella Student" })).toBeVisible();

  // A signed-in non-member is refused by GraphQL and by the page.
  const outsider = await signUp(browser, "Oscar Outsider");
  const slug = new URL(classUrl).pathname.split("/").pop();
  const refused = await graphql(outsider, `query($slug: String!) { class(slug: $slug) { name } }`, { slug });
  expect(refused.data?.class ?? null).toBeNull();
  expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  const page = await outsider.goto(classUrl);
  expect(page?.status()).toBe(403);

  // The member's own session answers the same query.
  const allowed = await graphql(student, `query($slug: String!) { class(slug: $slug) { name myRole } }`, { slug });
  expect(allowed.data?.class).toEqual({ name: `Vision Lab ${unique}`, myRole: "STUDENT" });

  // The author cancels the run (it would otherwise keep the e2e worker busy for 100 epochs).
  await student.goto(submissionUrl);
  await student.getByRole("button", { name: "Cancel training" }).click();
  await expect(student.getByText("Cancelled", { exact: true })).toBeVisible({ timeout: 30_000 });
});

test("shows a clear error for a wrong password and a duplicate email, keeping what was typed", async ({
  page,
  browser,
}) => {
  await signUp(browser, "Dana Duplicate");
  await page.goto("/signup");
  await page.getByLabel("Name").fill("Dana Again");
  await page.getByLabel("Email").fill(`dana.${unique}@example.test`);
  await page.getByLabel("Password").fill("another password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists.").first()).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue("Dana Again");

  await page.goto("/signin");
  await page.getByLabel("Email").fill(`dana.${unique}@example.test`);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong" })).toHaveText("Wrong email or password.");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/classes$/);
});

test("anonymous GraphQL requests for class data are UNAUTHENTICATED, and { __typename } answers", async ({
  request,
}) => {
  const typename = await request.post("/api/graphql", { data: { query: "{ __typename }" } });
  expect(await typename.json()).toEqual({ data: { __typename: "Query" } });
  const classes = await request.post("/api/graphql", { data: { query: "{ classes { id } }" } });
  expect((await classes.json()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
  const badToken = await request.post("/api/graphql", {
    data: { query: "{ __typename }" },
    headers: { authorization: "Bearer cw_not-a-real-token" },
  });
  expect(badToken.status()).toBe(401);
});
