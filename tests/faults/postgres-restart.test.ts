// PostgreSQL restarted for real (pg_ctl stop -m fast, then start) under real worker processes and
// the web side's real route handlers, on a server of this file's own (tests/helpers/
// restartable-postgres.ts): once in the middle of a training run, once in the middle of a
// 50-submission burst. Nothing may be lost or trained into two results, the workers keep going
// without a restart, and while the database is down the web side answers 503 with Retry-After.
// Each run logs what it measured ([fault] lines): counts and how long recovery took.

import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as leaderboardRoute } from "@/app/api/classes/[slug]/leaderboard/route";
import { POST as graphqlRoute } from "@/app/api/graphql/route";
import { GET as liveRoute } from "@/app/api/health/live/route";
import { GET as healthRoute } from "@/app/api/health/route";
import { createApolloServer } from "@/graphql/server";
import { db, disconnectDb } from "@/lib/server/db";
import { getBoss } from "@/lib/server/queue/boss";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import { createApiToken } from "@/lib/server/services/tokens";
import type { Viewer } from "@/lib/server/viewer";
import { makeUser } from "../helpers/fixtures";
import { SLOW, TINY, TINY_TRAINING } from "../helpers/models";
import { type RestartablePostgres, startRestartablePostgres } from "../helpers/restartable-postgres";
import { startWorker, stopAllWorkers, waitFor, waitForEpoch, waitForStatus } from "../helpers/workers";

// About half a second per epoch on the committed subset: long enough to restart the database under it.
const SLOW_TRAINING = { maxEpochs: 20, batchSize: 32, earlyStopping: null };
/** How long the database stays down: a restart's worth, below the 10 s heartbeat the tests run with. */
const DOWN_MS = 4000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const report = (line: string) => console.log(`[fault] ${line}`);

let pg: RestartablePostgres;
let owner: Viewer;
let classSlug: string;
let joinCode: string;
let bearer: string;

beforeAll(async () => {
  pg = await startRestartablePostgres();
  // Before anything in this process touches the database: db.ts and the queue read it at first use.
  process.env.DATABASE_URL = pg.url;
  owner = (await makeUser("Restart Owner")).viewer;
  const klass = await createClass(owner, { name: "Restart Tests" });
  classSlug = klass.slug;
  joinCode = klass.joinCode!;
  await db.class.update({ where: { slug: classSlug }, data: { dailyQuota: 100 } });
  bearer = `Bearer ${(await createApiToken(owner, { name: "restart test", scopes: ["READ"] })).token}`;
}, 180_000);

afterEach(stopAllWorkers);

afterAll(async () => {
  await stopAllWorkers();
  await (await getBoss()).stop({ graceful: false });
  await disconnectDb();
  await pg?.destroy();
});

async function student(name: string): Promise<Viewer> {
  const user = await makeUser(name);
  await joinClass(user.viewer, joinCode);
  return user.viewer;
}

function leaderboard(): Promise<Response> {
  const request = new NextRequest(`http://127.0.0.1/api/classes/${classSlug}/leaderboard`, {
    headers: { authorization: bearer },
  });
  return leaderboardRoute(request, { params: Promise.resolve({ slug: classSlug }) });
}

function graphql(query: string, variables: Record<string, unknown> = {}): Promise<Response> {
  return graphqlRoute(
    new NextRequest("http://127.0.0.1/api/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: bearer },
      body: JSON.stringify({ query, variables }),
    }),
  );
}

/** What the web side answers while the database is down: 503s with Retry-After, never a 500. */
async function expectWebUnavailable(): Promise<void> {
  const board = await leaderboard();
  expect(board.status).toBe(503);
  expect(board.headers.get("retry-after")).toBe("5");
  expect((await board.json()).error.code).toBe("UNAVAILABLE");

  // The Bearer token is looked up in GraphQL's context...
  const viaContext = await graphql(`{ classes { slug } }`);
  expect(viaContext.status).toBe(503);
  expect(viaContext.headers.get("retry-after")).toBe("5");
  expect((await viaContext.json()).errors[0].extensions.code).toBe("UNAVAILABLE");
  // ...and a resolver's query fails the same way once the viewer is known.
  const viaResolver = await createApolloServer().executeOperation(
    { query: `{ classes { slug } }` },
    { contextValue: { viewer: owner } },
  );
  expect(viaResolver.http.status).toBe(503);
  expect(viaResolver.http.headers.get("retry-after")).toBe("5");
  expect(viaResolver.body.kind === "single" && viaResolver.body.singleResult.errors?.[0]?.extensions?.code).toBe(
    "UNAVAILABLE",
  );

  const health = await healthRoute();
  expect(health.status).toBe(503);
  expect(health.headers.get("retry-after")).toBe("5");
  expect(await health.json()).toMatchObject({ status: "unavailable", database: { status: "unavailable" } });
  // Liveness needs no database.
  expect((await liveRoute()).status).toBe(200);
}

/** Stops the server, runs `whileDown`, keeps it down for DOWN_MS in all, starts it; returns when it was started. */
async function restartDatabase(whileDown: () => Promise<void>): Promise<{ downMs: number; startedAt: number }> {
  const stoppedAt = Date.now();
  await pg.stop();
  await whileDown();
  await sleep(Math.max(0, DOWN_MS - (Date.now() - stoppedAt)));
  await pg.start();
  const startedAt = Date.now();
  return { downMs: startedAt - stoppedAt, startedAt };
}

async function waitForWeb(since: number): Promise<number> {
  await waitFor("the web side to answer again", async () => (await leaderboard()).status === 200, 60_000, 100);
  return Date.now() - since;
}

describe("PostgreSQL restarted", { timeout: 300_000 }, () => {
  it("during training: the run finishes with one result, the worker keeps going, the web side 503s meanwhile", async () => {
    const viewer = await student("Restart Trainee");
    const submission = await createSubmission(viewer, {
      classSlug,
      name: "survives a restart",
      architecture: SLOW,
      training: SLOW_TRAINING,
    });
    const worker = await startWorker();
    await waitForEpoch(submission.id, 1);

    const { downMs, startedAt } = await restartDatabase(expectWebUnavailable);
    const webRecoveryMs = await waitForWeb(startedAt);
    // The worker writes progress again once it reconnects (at most a second apart while training).
    await waitFor(
      "progress after the restart",
      async () => {
        const row = await db.submission.findUniqueOrThrow({
          where: { id: submission.id },
          select: { status: true, progress: true },
        });
        const updatedAt = (row.progress as { updatedAt?: string } | null)?.updatedAt;
        return row.status !== "RUNNING" || (updatedAt !== undefined && Date.parse(updatedAt) > startedAt);
      },
      60_000,
      100,
    );
    const workerRecoveryMs = Date.now() - startedAt;

    const done = await waitForStatus(submission.id, ["SUCCEEDED", "FAILED", "CANCELLED"], 180_000);
    expect(done.status).toBe("SUCCEEDED");
    const results = await db.result.count({ where: { submissionId: submission.id } });
    expect(results).toBe(1);
    // Within the heartbeat the job stays this worker's; if pg-boss's supervisor got to it first,
    // one more attempt trains it, still into one result.
    expect(done.attempts).toBeLessThanOrEqual(2);
    report(
      `restart during training: down ${downMs} ms; web answered 200 ${webRecoveryMs} ms after the start, ` +
        `the worker wrote progress after ${workerRecoveryMs} ms; lost 0 / duplicated ${results - 1} of 1, attempts ${done.attempts}`,
    );

    const health = await healthRoute();
    expect(health.status).toBe(200);
    expect((await health.json()).trainers).toMatchObject({ ready: true, healthy: 1 });
    // The same process, still taking work.
    const next = await createSubmission(viewer, {
      classSlug,
      name: "after the restart",
      architecture: TINY,
      training: TINY_TRAINING,
    });
    expect((await waitForStatus(next.id, ["SUCCEEDED", "FAILED"])).status).toBe("SUCCEEDED");
    expect(worker.process.exitCode).toBeNull();
  });

  it("during a 50-submission burst with 2 workers: all 50 succeed, none twice, workers keep going", async () => {
    const students = await Promise.all(Array.from({ length: 10 }, (_, i) => student(`Restart Burst ${i}`)));
    const workers = await Promise.all([startWorker(), startWorker()]);
    const submissions = await Promise.all(
      students.flatMap((viewer, i) =>
        Array.from({ length: 5 }, (_, j) =>
          createSubmission(viewer, { classSlug, name: `burst ${i}.${j}`, architecture: TINY, training: TINY_TRAINING }),
        ),
      ),
    );
    const ids = submissions.map((s) => s.id);
    const finished = () =>
      db.submission.count({ where: { id: { in: ids }, status: { notIn: ["QUEUED", "RUNNING"] } } });
    // In the middle of it: some done, most still to come.
    await waitFor("a few of the burst to finish", async () => (await finished()) >= 8, 120_000, 100);
    const doneBefore = await finished();

    const { downMs, startedAt } = await restartDatabase(async () => {
      await expectWebUnavailable();
      // A submit while the database is down fails with 503, and nothing of it is stored.
      const refused = await graphql(
        `mutation($slug: String!, $arch: JSON!) { submit(classSlug: $slug, name: "while down", architecture: $arch) { id } }`,
        { slug: classSlug, arch: TINY },
      );
      expect(refused.status).toBe(503);
    });
    const webRecoveryMs = await waitForWeb(startedAt);
    await waitFor("all 50 to finish", async () => (await finished()) === 50, 240_000, 250);
    const allDoneMs = Date.now() - startedAt;

    const rows = await db.submission.findMany({
      where: { id: { in: ids } },
      select: { status: true, attempts: true, result: { select: { id: true } } },
    });
    const succeeded = rows.filter((r) => r.status === "SUCCEEDED").length;
    const results = await db.result.count({ where: { submissionId: { in: ids } } });
    const retried = rows.filter((r) => r.attempts > 1).length;
    expect(rows.filter((r) => r.status !== "SUCCEEDED")).toEqual([]);
    expect(results).toBe(50);
    // Every job settled: none left queued, retrying or active.
    const open = await db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'train-submission' AND state NOT IN ('completed', 'failed', 'cancelled')`;
    expect(open[0]!.n).toBe(0);
    expect(await db.submission.count({ where: { name: "while down" } })).toBe(0);
    report(
      `restart during a burst: ${doneBefore} of 50 done before the stop; down ${downMs} ms; web answered 200 ` +
        `${webRecoveryMs} ms after the start; all 50 done ${allDoneMs} ms after it; lost ${50 - succeeded} / ` +
        `duplicated ${results - succeeded} of 50; ${retried} trained in a second attempt`,
    );
    expect(workers.every((w) => w.process.exitCode === null)).toBe(true);
  });
});
