import { type Browser, type BrowserContext, expect, type Page } from "@playwright/test";

/**
 * Sign-in limits on the e2e server (global-setup.ts): free failures in a row per (account,
 * address) before each further attempt waits (CATWALK_RATE_SIGNIN_FREE_FAILURES, default 5), and
 * failures per address per day (CATWALK_RATE_SIGNIN_FAILURES_PER_ADDRESS_PER_DAY, default 100).
 * Small, so the specs reach them quickly; other specs fail a sign-in at most once or twice, from
 * 127.0.0.1, and the limit specs fail theirs from addresses of their own.
 */
export const E2E_LIMITS = { freeFailures: 3, failuresPerAddress: 6 } as const;

/**
 * The one proxy the e2e server trusts (CATWALK_TRUSTED_PROXIES): the browser's own address. A
 * context with an X-Forwarded-For header then looks like a client behind that proxy.
 */
export const E2E_TRUSTED_PROXY = "127.0.0.1";

let addresses = 0;
/** A fresh client address (198.18.0.0/15, the benchmarking range) for one simulated person. */
function ownAddress(): string {
  addresses += 1;
  return `198.18.${Math.floor(addresses / 250)}.${(addresses % 250) + 1}`;
}

/** A browser context whose requests come, through the trusted proxy, from `address`. */
export async function contextFrom(browser: Browser, address: string): Promise<Page> {
  const context = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": address } });
  return context.newPage();
}

/**
 * Signs a new user up in a fresh browser context and returns its page on /classes.
 * `tag` keeps emails unique across spec files that run against the same database; `prepare`
 * runs on the context before its first page opens (e.g. to install init scripts).
 */
export async function signUp(
  browser: Browser,
  name: string,
  tag: string,
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<Page> {
  // Each person on a network of their own (through the trusted proxy), as in a real class: the
  // suite's sign-ups don't share one address's sign-up allowance.
  const context = await browser.newContext({
    acceptDownloads: true,
    extraHTTPHeaders: { "X-Forwarded-For": ownAddress() },
  });
  await prepare?.(context);
  const page = await context.newPage();
  await page.goto("/signup");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(`${name.split(" ")[0]!.toLowerCase()}.${tag}@example.test`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/classes$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText(name);
  return page;
}

/** Creates a class from /classes as `owner`, who lands on its page; returns that page's URL and the join code. */
export async function createClass(owner: Page, name: string): Promise<{ classUrl: string; joinCode: string }> {
  await owner.getByLabel("Class name").fill(name);
  await owner.getByRole("button", { name: "Create class" }).click();
  await expect(owner.getByRole("heading", { level: 1 })).toHaveText(name);
  const classUrl = owner.url();
  const joinCode = (await owner.getByTestId("join-code").textContent())!.trim();
  return { classUrl, joinCode };
}

/** Joins a class from /classes by its code (as typed: codes are case-insensitive) and lands on its page. */
export async function joinClass(student: Page, code: string, classUrl: string): Promise<void> {
  await student.getByLabel("Join code").fill(code);
  await student.getByRole("button", { name: "Join class" }).click();
  await expect(student).toHaveURL(classUrl);
}

/** A Sequential MLP's Keras JSON (784 → units relu → 10 softmax): quick to train on the committed subset. */
export const denseModel = (units: number) => ({
  class_name: "Sequential",
  config: {
    name: "mlp",
    layers: [
      { class_name: "InputLayer", config: { batch_input_shape: [null, 784], name: "input_1" } },
      { class_name: "Dense", config: { name: "dense_1", units, activation: "relu" } },
      { class_name: "Dense", config: { name: "dense_2", units: 10, activation: "softmax" } },
    ],
  },
});

/** A GraphQL request as the page's signed-in user (its cookies); fails the test on errors. */
export async function graphql<T>(page: Page, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await page.request.post("/api/graphql", { data: { query, variables } });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}
