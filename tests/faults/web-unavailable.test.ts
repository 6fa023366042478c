// The web app under `next start` (the production build) while its PostgreSQL is stopped and then
// started again, on a server of this file's own: route handlers and GraphQL answer 503 with
// Retry-After, /api/health says the database is down (503) while /api/health/live stays up, pages
// show the outage page (a 500: Next 16 has no 503 for pages) that retries by itself, and all of it
// recovers without restarting the web server. With no trainer running, the manage page and a
// queued submission's page say so. Needs a current build (`npx next build`; `npm test` makes one).

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/server/db";
import { getBoss } from "@/lib/server/queue/boss";
import { createClass } from "@/lib/server/services/classes";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import { registerUser } from "@/lib/server/services/users";
import { anyFreePort } from "../../scripts/platform/ports";
import { exited, settlesWithin } from "../../scripts/platform/processes";
import { type RestartablePostgres, startRestartablePostgres } from "../helpers/restartable-postgres";
import { signInOverHttp } from "../helpers/sign-in";
import { waitFor } from "../helpers/workers";

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const report = (line: string) => console.log(`[fault] ${line}`);

let pg: RestartablePostgres;
let browser: Browser | undefined;
let server: ChildProcess | undefined;
let serverLog = "";
let base: string;
let cookie: string;
let classSlug: string;
let submissionId: string;
const EMAIL = "outage.owner@example.test";
const PASSWORD = "correct horse battery staple";

/** Signs in as the class owner; the server's log goes with a failure. */
async function signIn(): Promise<string> {
  try {
    return await signInOverHttp(base, EMAIL, PASSWORD);
  } catch (error) {
    throw new Error(`${(error as Error).message}:\n${serverLog}`);
  }
}

const get = (path: string) => fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
const graphql = (query: string) =>
  fetch(`${base}/api/graphql`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
/** The page's HTML as plain text: React escapes apostrophes and marks text joins with comments. */
const text = async (response: Response) => (await response.text()).replaceAll("&#x27;", "'").replaceAll("<!-- -->", "");

beforeAll(async () => {
  // As the Playwright set-up: the production build is `npm test`'s first step.
  if (!existsSync(`${ROOT}/.next/BUILD_ID`)) throw new Error("No production build: run `npx next build` first.");
  pg = await startRestartablePostgres("catwalk_web_faults");
  process.env.DATABASE_URL = pg.url;
  const owner = await registerUser({ email: EMAIL, name: "Outage Owner", password: PASSWORD });
  const viewer = { kind: "user", via: "session", userId: owner.id } as const;
  const klass = await createClass(viewer, { name: "Outage" });
  classSlug = klass.slug;
  // Queued, and stays so: no trainer runs in this test.
  submissionId = (
    await createSubmission(viewer, {
      classSlug,
      name: "waits for a trainer",
      architecture: {
        layers: [
          { type: "Flatten", inputShape: [28, 28, 1] },
          { type: "Dense", units: 10, activation: "softmax" },
        ],
      },
      training: { maxEpochs: 1 },
    })
  ).id;

  const port = await anyFreePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(
    process.execPath,
    [require.resolve("next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: pg.url,
        AUTH_TRUST_HOST: "true",
        NEXT_TELEMETRY_DISABLED: "1",
        FASHION_MNIST_DIR: fileURLToPath(new URL("../../trainer/fixtures/fashion-mnist", import.meta.url)),
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  server.stdout!.on("data", (chunk) => (serverLog += chunk));
  server.stderr!.on("data", (chunk) => (serverLog += chunk));
  await waitFor(
    "next start to answer",
    async () => {
      if (server!.exitCode !== null) throw new Error(`next start exited:\n${serverLog}`);
      return (await fetch(`${base}/api/health/live`).catch(() => null))?.ok;
    },
    90_000,
    250,
  );
  cookie = await signIn();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const done = exited(server);
    process.kill(-server.pid!, "SIGTERM");
    if (!(await settlesWithin(done, 15_000))) process.kill(-server.pid!, "SIGKILL");
  }
  await (await getBoss()).stop({ graceful: false }).catch(() => {});
  await disconnectDb();
  await pg?.destroy();
});

describe("the web app while PostgreSQL restarts", { timeout: 180_000 }, () => {
  it("says when no trainer can take queued runs", async () => {
    const page = await get(`/submissions/${submissionId}`);
    expect(page.status).toBe(200);
    const html = await text(page);
    expect(html).toContain("The trainer isn't ready: no trainer is running.");
    expect(html).toContain("starts by itself as soon as a trainer is ready");

    const manage = await text(await get(`/classes/${classSlug}/manage`));
    expect(manage).toContain("No trainer is running: queued submissions wait until one starts");

    const health = await get("/api/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "degraded",
      database: { status: "ok" },
      trainers: { ready: false, healthy: 0 },
      // Started by instrumentation.ts in the web server, listening for changes.
      accessCache: "listening",
    });
  });

  it("answers 503 with Retry-After from the API, an outage page for pages, and recovers without a restart", async () => {
    await pg.stop();
    const stoppedAt = Date.now();

    const page = await get(`/classes/${classSlug}`);
    // Next 16 can't give a page a 503 (its HTTP fallbacks are 401, 403 and 404): a 500, whose
    // page names the outage (by the digest lib/server/page.ts gives it) and retries by itself.
    expect(page.status).toBe(500);
    const html = await text(page);
    expect(html).toContain("CATWALK_UNAVAILABLE");
    expect(html).not.toMatch(/PrismaClient|ECONNREFUSED|at \w+ \(/);

    // In a browser (Debian's chromium, as the Playwright tests use it): the outage page, which
    // then retries by itself.
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    const context = await browser.newContext();
    const [name, value] = cookie.split(/=(.*)/s) as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    const tab = await context.newPage();
    await tab.goto(`${base}/classes/${classSlug}`);
    await tab.getByRole("heading", { name: "Catwalk's database is not answering" }).waitFor();
    expect(await tab.getByTestId("error-page").textContent()).toMatch(
      /nothing you did caused this.*Trying again in \d s/,
    );

    const board = await get(`/api/classes/${classSlug}/leaderboard`);
    expect(board.status).toBe(503);
    expect(board.headers.get("retry-after")).toBe("5");
    expect(await board.json()).toMatchObject({ error: { code: "UNAVAILABLE" } });

    const query = await graphql(`{ classes { slug } }`);
    expect(query.status).toBe(503);
    expect(query.headers.get("retry-after")).toBe("5");
    expect((await query.json()).errors[0].extensions.code).toBe("UNAVAILABLE");

    const health = await get("/api/health");
    expect(health.status).toBe(503);
    expect(health.headers.get("retry-after")).toBe("5");
    // The LISTEN connection went with the database: nothing is served from memory meanwhile
    // (which is why the pages and queries above, signed in as before, could not answer).
    expect(await health.json()).toMatchObject({ accessCache: "connecting" });
    expect((await get("/api/health/live")).status).toBe(200);

    await pg.start();
    const startedAt = Date.now();
    // The server answers again at once; the open tab comes back by itself, without a reload, at
    // its next retry (every 5 s).
    const [pageBackMs, tabBackMs] = await Promise.all([
      waitFor(
        "the class page to render again",
        async () => (await get(`/classes/${classSlug}`)).status === 200,
        60_000,
        100,
      ).then(() => Date.now() - startedAt),
      tab
        .getByRole("heading", { level: 1, name: "Outage" })
        .waitFor({ timeout: 30_000 })
        .then(() => Date.now() - startedAt),
    ]);
    expect((await get(`/api/classes/${classSlug}/leaderboard`)).status).toBe(200);
    expect((await graphql(`{ classes { slug } }`)).status).toBe(200);
    expect((await get("/api/health")).status).toBe(200);
    // Reconnected by itself (backoff up to 10 s).
    await waitFor(
      "the access cache to listen again",
      async () => (await (await get("/api/health")).json()).accessCache === "listening",
      30_000,
      200,
    );
    expect(server!.exitCode).toBeNull();
    report(
      `web under next start: down ${startedAt - stoppedAt} ms (pages 500 with the outage page, API 503 + Retry-After); ` +
        `pages answered 200 again ${pageBackMs} ms after the database started, same server process; the open ` +
        `tab's outage page brought the page back by itself after ${tabBackMs} ms`,
    );
    // Nothing of the outage reached the data.
    expect(await db.submission.count({ where: { id: submissionId, status: "QUEUED" } })).toBe(1);
  });
});
