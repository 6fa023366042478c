import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { CANARY_HOST, isCanary, reportsSince, serverLogOffset, tripCanary, watchCsp } from "./csp";
import { createClass, joinClass, signUp as signUpAs } from "./helpers";

// The security headers (next.config.js, proxy.ts, lib/server/content-security-policy.ts) against
// the production server: what a page, a route handler and a build asset carry, and a walk through every page
// with the policy enforced that fails on any violation, seen in the browser or reported to
// /api/csp-report. The walk ends by breaking the policy on purpose (the canary): the browser must
// see it and the server must log its report, so a silent collector can't pass the test.

const unique = `${Date.now().toString(36)}c`;

/** Flatten → Dense(10): one epoch on the committed subset takes about a second. */
const TINY_MODEL = {
  class_name: "Sequential",
  config: {
    layers: [
      { class_name: "Flatten", config: { batch_input_shape: [null, 28, 28, 1] } },
      { class_name: "Dense", config: { units: 10, activation: "softmax" } },
    ],
  },
};

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

const SHARED_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

test("headers: a page gets a fresh nonce policy, route handlers and assets the fixed one, all nosniff", async ({
  request,
}) => {
  const page = await request.get("/signin");
  expect(page.status()).toBe(200);
  const headers = page.headers();
  expect(headers).toMatchObject(SHARED_HEADERS);
  expect(headers["permissions-policy"]).toMatch(/(^|, )camera=\(\)/);
  expect(headers["permissions-policy"]).toMatch(/(^|, )microphone=\(\)/);
  expect(headers["permissions-policy"]).toMatch(/(^|, )geolocation=\(\)/);
  const policy = directives(headers["content-security-policy"]!);
  const nonce = /^'nonce-([A-Za-z0-9+/]{22}==)'$/.exec(policy.get("script-src")?.[0] ?? "")?.[1];
  expect(nonce, headers["content-security-policy"]).toBeDefined();
  expect(policy.get("script-src")).toEqual([`'nonce-${nonce}'`, "'strict-dynamic'", "'wasm-unsafe-eval'"]);
  expect(policy.get("default-src")).toEqual(["'none'"]);
  expect(policy.get("style-src-elem")).toEqual(["'self'", `'nonce-${nonce}'`]);
  expect(policy.get("object-src")).toEqual(["'none'"]);
  expect(policy.get("base-uri")).toEqual(["'none'"]);
  expect(policy.get("form-action")).toEqual(["'self'"]);
  expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
  expect(policy.get("connect-src")).toEqual(["'self'"]);
  expect(policy.get("img-src")).toEqual(["'self'", "data:"]);
  expect(policy.get("report-uri")).toEqual(["/api/csp-report"]);
  // Exactly one policy: the fixed one from next.config.js must not be sent alongside (both would apply).
  expect(page.headersArray().filter((h) => h.name.toLowerCase() === "content-security-policy")).toHaveLength(1);

  // Every script Next rendered carries the header's nonce; a second response gets another one.
  const html = await page.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(3);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  const again = await request.get("/signin");
  expect(again.headers()["content-security-policy"]).not.toContain(nonce);

  // A client can't pick the nonce by sending a policy of its own.
  const chosen = "AAAAAAAAAAAAAAAAAAAAAA==";
  const forged = await request.get("/signin", {
    headers: { "content-security-policy": `script-src 'nonce-${chosen}'` },
  });
  expect(await forged.text()).not.toContain(chosen);
  expect(forged.headers()["content-security-policy"]).not.toContain(chosen);

  // Route handlers (JSON here; CSV, PNG and SSE go through the same rule) and the 404 of a
  // missing asset: the fixed policy, no nonce, and the shared headers.
  const FIXED = "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  for (const path of ["/api/health", "/api/classes/no-such-class/leaderboard", "/favicon.ico"]) {
    const response = await request.get(path);
    expect(response.headers(), path).toMatchObject({ ...SHARED_HEADERS, "content-security-policy": FIXED });
  }
  const graphql = await request.post("/api/graphql", { data: { query: "{ __typename }" } });
  expect(await graphql.json()).toEqual({ data: { __typename: "Query" } });
  expect(graphql.headers()).toMatchObject({ ...SHARED_HEADERS, "content-security-policy": FIXED });

  // Build assets: nosniff on the stylesheet and scripts the page links.
  const asset = /<link rel="stylesheet" href="([^"]+\.css)"/.exec(html)?.[1];
  expect(asset).toBeDefined();
  const css = await request.get(asset!);
  expect(css.status()).toBe(200);
  expect(css.headers()).toMatchObject({ "x-content-type-options": "nosniff", "content-security-policy": FIXED });
});

test("the report endpoint takes a report and refuses what isn't one", async ({ request }) => {
  const offset = serverLogOffset();
  // Blocked "from" the canary host, so the run's final check (global-setup.ts) knows it is ours.
  const report = {
    "csp-report": {
      "document-uri": `http://127.0.0.1/classes/x?secret=${unique}`,
      "effective-directive": "img-src",
      "blocked-uri": `https://${CANARY_HOST}/endpoint-test.png?secret=${unique}`,
      "script-sample": `alert(1)\n[csp] violation {"forged":true}`,
    },
  };
  const ok = await request.post("/api/csp-report", {
    headers: { "content-type": "application/csp-report" },
    data: JSON.stringify(report),
  });
  expect(ok.status()).toBe(204);
  await expect.poll(() => reportsSince(offset).length).toBe(1);
  const [logged] = reportsSince(offset);
  // One line per report (the newline is gone), no query strings.
  expect(logged).toMatchObject({
    directive: "img-src",
    blocked: `https://${CANARY_HOST}/endpoint-test.png`,
    document: "http://127.0.0.1/classes/x",
  });
  expect(logged!.sample).toContain("alert(1) [csp] violation");

  const wrongType = await request.post("/api/csp-report", {
    headers: { "content-type": "text/plain" },
    data: JSON.stringify(report),
  });
  expect(wrongType.status()).toBe(415);
  const tooLarge = await request.post("/api/csp-report", {
    headers: { "content-type": "application/csp-report" },
    data: JSON.stringify({ "csp-report": { "script-sample": "x".repeat(20_000) } }),
  });
  expect(tooLarge.status()).toBe(413);
  const notAReport = await request.post("/api/csp-report", {
    headers: { "content-type": "application/csp-report" },
    data: JSON.stringify({ hello: "world" }),
  });
  expect(notAReport.status()).toBe(400);
  expect((await request.get("/api/csp-report")).status()).toBe(405);
  // Only the first was logged.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(reportsSince(offset)).toHaveLength(1);
});

test("every page, with the policy enforced: no violation in the browser or at the report endpoint", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const offset = serverLogOffset();
  const seen: string[] = [];
  const watched = (context: BrowserContext) => watchCsp(context, seen);
  const signUp = (b: Browser, name: string) => signUpAs(b, name, unique, watched);
  /** Settles a page before the next step: late chunks and fetches can break the policy too. */
  const settle = (page: Page) => page.waitForLoadState("networkidle");

  // Signed out: the home page, sign-in, sign-up and a 404.
  const anonymousContext = await browser.newContext();
  await watched(anonymousContext);
  const anonymous = await anonymousContext.newPage();
  for (const path of ["/", "/signin", "/signup"]) {
    expect((await anonymous.goto(path))?.status(), path).toBe(200);
    await settle(anonymous);
  }
  expect((await anonymous.goto("/no-such-page"))?.status()).toBe(404);
  await expect(anonymous.getByRole("heading", { name: "Nothing here" })).toBeVisible();

  // /classes (sign-up lands there), creating a class, the class page.
  const owner = await signUp(browser, "Casey Owner");
  const { classUrl, joinCode } = await createClass(owner, `Policy ${unique}`);
  await settle(owner);
  const student = await signUp(browser, "Sasha Student");
  await joinClass(student, joinCode, classUrl);
  await settle(student);

  // The submit page: the layer builder with its summary, a preset, then the JSON tab.
  await student.getByRole("link", { name: "New submission" }).click();
  await expect(student.getByTestId("total-params")).toBeVisible();
  await student.getByLabel("New layer").selectOption("Dropout");
  await student.getByRole("button", { name: "Add layer" }).click();
  await student.getByRole("tab", { name: "Paste Keras JSON" }).click();
  await student.getByLabel("Architecture (Keras model JSON)").fill(JSON.stringify(TINY_MODEL));
  await expect(student.getByTestId("total-params")).toHaveText("7,850");
  await student.getByLabel("Submission name").fill("Policy run");
  await student.getByLabel("Early stopping").uncheck();
  // Long enough (seconds: this model trains 8 epochs in under one on a quiet machine) for the
  // once-a-second live updates to show an epoch before the run ends.
  await student.getByLabel("Max epochs").fill("40");
  await settle(student);

  // The submission page while it trains (live progress over SSE, the curves drawing), then after
  // (results, both charts, a confusion-matrix cell's gallery of test images).
  await student.getByRole("button", { name: "Submit for training" }).click();
  await expect(student).toHaveURL(/\/submissions\/\w+$/);
  const submissionUrl = student.url();
  await expect(student.getByRole("progressbar", { name: "Training progress" })).toBeVisible();
  await expect(student.getByTestId("progress-epoch")).toHaveText(/^([1-9]|[1-3]\d|40) of 40$/, { timeout: 90_000 });
  await expect(student.getByRole("heading", { name: "Where it goes wrong" })).toBeVisible({ timeout: 120_000 });
  await settle(student);
  await student.locator('[data-testid^="cm-cell-0-0"]').click();
  const images = student.getByTestId("gallery").getByRole("img");
  await expect(images.first()).toBeVisible();
  await expect
    .poll(() => images.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBe(28);
  await settle(student);

  // The model page: tfjs and its WebAssembly backend load (script-src 'wasm-unsafe-eval'), the
  // stored model runs on a drawing, and a model without convolutions says so.
  await student.goto(`${submissionUrl}/model`);
  await expect(student.getByTestId("inference-info")).toHaveText(/Runs in your browser on wasm/, { timeout: 30_000 });
  const pad = (await student.getByTestId("drawing-canvas").boundingBox())!;
  await student.mouse.move(pad.x + 140, pad.y + 40);
  await student.mouse.down();
  await student.mouse.move(pad.x + 140, pad.y + 240, { steps: 8 });
  await student.mouse.up();
  await expect(student.getByTestId("probabilities")).toHaveAttribute("data-top", /./);
  await expect(student.getByTestId("no-convolutions")).toContainText("no convolutional layers");
  await settle(student);

  // A 403 (a student on the manage page) and a 404 inside the app.
  expect((await student.goto(`${classUrl}/manage`))?.status()).toBe(403);
  expect((await student.goto("/submissions/no-such-submission"))?.status()).toBe(404);

  // The manage page as the owner, with each kind of confirmation dialog opened and dismissed.
  await owner.goto(`${classUrl}/manage`);
  await expect(owner.getByTestId("manage-submission-row")).toHaveCount(1);
  for (const [button, dialog] of [
    [{ name: "Reveal private leaderboard" }, "Reveal the private leaderboard?"],
    [{ name: "Rotate join code" }, "Replace the join code?"],
    [{ name: "Re-evaluate Policy run by Sasha Student" }, "Re-evaluate “Policy run”?"],
    [{ name: "Retrain Policy run by Sasha Student" }, "Retrain “Policy run”?"],
    [{ name: "Remove Sasha Student" }, "Remove Sasha Student from the class?"],
  ] as const) {
    await owner.getByRole("button", button).click();
    const open = owner.getByRole("dialog", { name: dialog });
    await expect(open).toBeVisible();
    await owner.keyboard.press("Escape");
    await expect(open).toBeHidden();
  }
  await owner.getByLabel("Daily quota").fill("6");
  await owner.getByRole("button", { name: "Save settings" }).click();
  await expect(owner.getByRole("form", { name: "Class settings" }).getByRole("status")).toHaveText("Settings saved.");
  // The class page as a grader sees it, with the leaderboard polling.
  await owner.goto(classUrl);
  await expect(owner.getByTestId("leaderboard-row").filter({ hasText: "Policy run" })).toBeVisible();
  await settle(owner);

  // Class analytics: each view's charts (visx SVG, inline style attributes for bars and the scale).
  for (const view of ["pareto", "hyperparameters", "days", "confusion"]) {
    await owner.goto(`${classUrl}/analytics?view=${view}`);
    await expect(owner.getByRole("tab", { selected: true })).toBeVisible();
    await settle(owner);
  }

  // The account page (password and sessions).
  await owner.goto("/settings/account");
  await expect(owner.getByRole("form", { name: "Change password" })).toBeVisible();
  await settle(owner);

  // API tokens: the list, and a new token shown once.
  await owner.goto("/settings/tokens");
  await owner.getByLabel("Name").fill("policy script");
  await owner.getByRole("button", { name: "Create token" }).click();
  await expect(owner.getByTestId("new-token")).toHaveText(/^cw_/);
  await settle(owner);

  // Sign-out: a server action and Auth.js's redirect home, under form-action 'self'.
  await student.goto(submissionUrl);
  await settle(student);
  await student.getByRole("button", { name: "Sign out" }).click();
  await expect(student.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(student).toHaveURL(/\/$/);
  await settle(student);

  // Nothing so far; then the canary, which both ends must see.
  expect(seen, seen.join("\n")).toEqual([]);
  await tripCanary(student, unique);
  await expect.poll(() => seen.filter((s) => s.includes(unique)).length).toBeGreaterThan(0);
  await expect
    .poll(() => reportsSince(offset).filter((v) => v.blocked.includes(unique)).length, { timeout: 15_000 })
    .toBe(1);
  // Reports are sent as violations happen; the canary came last, so anything earlier has arrived.
  const reported = reportsSince(offset).filter((v) => !isCanary(v));
  expect(reported, JSON.stringify(reported, null, 2)).toEqual([]);
  expect(
    seen.filter((s) => !s.includes(unique)),
    seen.join("\n"),
  ).toEqual([]);
});
