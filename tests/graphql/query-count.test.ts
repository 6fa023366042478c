import { beforeAll, describe, expect, it } from "vitest";
import { db, recordQueries } from "@/lib/server/db";
import { testLabels } from "@/lib/server/test-set";
import type { Viewer } from "@/lib/server/viewer";
import { type LargeClass, seedLargeClass } from "@/scripts/bench/large-class";
import { gql } from "../helpers/fixtures";

// Query counts must not grow with the class: the same operations on a class of 5 students and
// one of 200 students × 20 submissions send the same, small number of SQL statements.
process.env.CATWALK_QUERY_EVENTS = "1";

const viewerOf = (userId: string): Viewer => ({ kind: "user", via: "session", userId });

async function count(viewer: Viewer, query: string, variables: Record<string, unknown>) {
  const { value, queries } = await recordQueries(() => gql(viewer, query, variables));
  expect(value.errors).toBeUndefined();
  return { data: value.data!, queries };
}

const BOARD = `query($s: String!, $m: LeaderboardMode) { leaderboard(classSlug: $s, mode: $m) { rank submissionName student { id name } publicAccuracy privateAccuracy paramCount architecture } }`;
const PAGE = `query($s: String!) { searchSubmissions(classSlug: $s, first: 100) { totalCount nodes { id author { name } result { testAccuracy confusionMatrix perClass { f1 } } } } }`;
const CSV = `query($s: String!) { leaderboardCsv(classSlug: $s) resultsCsv(classSlug: $s) }`;

describe("no N+1: statements per operation do not grow with the class", () => {
  let small: LargeClass;
  let large: LargeClass;

  beforeAll(async () => {
    // Predictions as long as the committed test subset, so the public half can be recounted.
    const predictionBytes = (await testLabels())!.length;
    small = await seedLargeClass(db, { students: 5, perStudent: 2, predictionBytes });
    large = await seedLargeClass(db, { students: 200, perStudent: 20, predictionBytes });
  }, 120_000);

  it("leaderboard (best per student and all), as grader and as student, caches off", async () => {
    process.env.CATWALK_LEADERBOARD_CACHE = "0";
    try {
      const grader = await count(viewerOf(large.ownerId), BOARD, { s: large.slug });
      expect(grader.data.leaderboard).toHaveLength(200);
      const accuracies = grader.data.leaderboard.map((r: { publicAccuracy: number }) => r.publicAccuracy);
      expect(accuracies).toEqual([...accuracies].sort((a, b) => b - a));
      const all = await count(viewerOf(large.ownerId), BOARD, { s: large.slug, m: "ALL" });
      expect(all.data.leaderboard).toHaveLength(4000);
      const student = await count(viewerOf(large.studentIds[7]!), BOARD, { s: large.slug });
      const smallBoard = await count(viewerOf(small.ownerId), BOARD, { s: small.slug });
      // The access check (class and membership in one statement), then one statement.
      for (const run of [grader, all, student, smallBoard]) expect(run.queries).toHaveLength(2);
    } finally {
      delete process.env.CATWALK_LEADERBOARD_CACHE;
    }
  });

  it("with the caches on: rows shared between viewers and masked per viewer; answers shared per visibility", async () => {
    const NO_ARCH = `query($s: String!) { leaderboard(classSlug: $s) { rank student { id } publicAccuracy privateAccuracy } }`;
    const first = await count(viewerOf(large.studentIds[1]!), NO_ARCH, { s: large.slug });
    const again = await count(viewerOf(large.studentIds[2]!), NO_ARCH, { s: large.slug });
    const grader = await count(viewerOf(large.ownerId), NO_ARCH, { s: large.slug });
    // A miss: the response cache's access check, the resolver's, the rows.
    expect(first.queries).toHaveLength(3);
    // Another student, same visibility: the access check, then the stored answer.
    expect(again.queries).toHaveLength(1);
    expect(again.data).toEqual(first.data);
    // A grader sees more: a miss for the answer, but the shared rows.
    expect(grader.queries).toHaveLength(2);
    expect(again.data.leaderboard[0].privateAccuracy).toBeNull();
    expect(grader.data.leaderboard[0].privateAccuracy).not.toBeNull();
    expect(grader.data.leaderboard.map((r: { student: { id: string } }) => r.student.id)).toEqual(
      again.data.leaderboard.map((r: { student: { id: string } }) => r.student.id),
    );
    const burst = await recordQueries(() =>
      Promise.all(Array.from({ length: 10 }, () => gql(viewerOf(large.ownerId), BOARD, { s: large.slug, m: "ALL" }))),
    );
    // Ten concurrent requests: one leaderboard statement.
    expect(burst.queries.filter((q) => q.includes("DISTINCT ON") || q.includes("ORDER BY score"))).toHaveLength(1);
  });

  it("a page of 100 submissions with results, as grader and as student", async () => {
    const grader = await count(viewerOf(large.ownerId), PAGE, { s: large.slug });
    expect(grader.data.searchSubmissions.nodes).toHaveLength(100);
    expect(grader.data.searchSubmissions.totalCount).toBe(4000);
    const smallPage = await count(viewerOf(small.ownerId), PAGE, { s: small.slug });
    // Access check (1), the page and one batched statement per relation Prisma loads (author,
    // class, result, the stored model's size and formats), the total; a student's page adds one statement for the public-half
    // scoring of all its rows together.
    expect(grader.queries.length).toBe(smallPage.queries.length);
    expect(grader.queries.length).toBe(7);
    const student = await count(viewerOf(large.studentIds[3]!), PAGE, { s: large.slug });
    expect(student.data.searchSubmissions.nodes).toHaveLength(20);
    expect(student.queries.length).toBeLessThanOrEqual(grader.queries.length + 1);
  });

  it("notices: one statement, whether a student has none or many", async () => {
    const student = large.studentIds[5]!;
    const runs = await db.submission.findMany({ where: { authorId: student }, select: { id: true }, take: 20 });
    await db.notice.createMany({
      data: runs.map((r, i) => ({ userId: student, submissionId: r.id, kind: i % 4 ? "SUCCEEDED" : "FAILED" })),
    });
    const NOTICES = `{ notices(first: 50) { unreadCount nodes { id kind submissionName className accuracy } } }`;
    const many = await count(viewerOf(student), NOTICES, {});
    const none = await count(viewerOf(small.studentIds[0]!), NOTICES, {});
    expect(many.data.notices.unreadCount).toBe(20);
    expect(many.data.notices.nodes).toHaveLength(20);
    expect(none.data.notices).toEqual({ unreadCount: 0, nodes: [] });
    expect(many.queries).toHaveLength(1);
    expect(none.queries).toHaveLength(1);
  });

  it("class analytics: each view one statement after the access check, as grader and as student", async () => {
    const views = [
      "points { who accuracy paramCount flops learningRate depth }",
      "paretoFront(cost: FLOPS) { who accuracy }",
      "byDay { day best median }",
      "confusedPairs { runs pairs { count } }",
    ];
    for (const selection of views) {
      const query = `query($s: String!) { classAnalytics(classSlug: $s) { ${selection} } }`;
      const runs = [
        await count(viewerOf(large.ownerId), query, { s: large.slug }),
        await count(viewerOf(large.studentIds[5]!), query, { s: large.slug }),
        await count(viewerOf(small.ownerId), query, { s: small.slug }),
      ];
      for (const run of runs) expect(run.queries, selection).toHaveLength(2);
    }
    // Everything at once, the Pareto front three times over: the points are read once.
    const all = `query($s: String!) { classAnalytics(classSlug: $s) { points { who } paretoFront { who }
      flops: paretoFront(cost: FLOPS) { who } time: paretoFront(cost: TRAINING_TIME) { who } byDay { day } confusedPairs { runs } } }`;
    const student = await count(viewerOf(large.studentIds[5]!), all, { s: large.slug });
    expect(student.data.classAnalytics.points).toHaveLength(4000);
    expect(student.data.classAnalytics.confusedPairs.runs).toBe(200);
    expect(student.queries).toHaveLength(4);
  });

  it("CSV exports", async () => {
    // Statements of the exports themselves, not whether an earlier test left the rows cached.
    process.env.CATWALK_LEADERBOARD_CACHE = "0";
    const large1 = await count(viewerOf(large.ownerId), CSV, { s: large.slug });
    const small1 = await count(viewerOf(small.ownerId), CSV, { s: small.slug });
    delete process.env.CATWALK_LEADERBOARD_CACHE;
    expect(large1.data.resultsCsv.trimEnd().split("\r\n")).toHaveLength(4001);
    expect(large1.queries.length).toBe(small1.queries.length);
    // Two access checks (one statement each) and one statement per export.
    expect(large1.queries.length).toBeLessThanOrEqual(4);
  });
});
