import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { scoreOn } from "@/lib/server/test-set";
import type { Viewer } from "@/lib/server/viewer";
import { CLASS_NAMES } from "@/trainer/arch";
import { gql, makeUser } from "../helpers/fixtures";
import { addMember, addScoredSubmission, createClassAs, discardQueuedWork, makePredictions } from "../helpers/grading";

// Class analytics through the real schema and database: who sees names, which accuracy, the
// Pareto front, the days and the confused pairs, on results scored from known predictions.

afterAll(discardQueuedWork);

const QUERY = `query($slug: String!, $cost: ParetoCost) {
  classAnalytics(classSlug: $slug) {
    scope showsNames
    points { submissionId submissionName who mine authorId accuracy paramCount flops depth maxDropout
             optimizer learningRate batchSize epochs trainDurationMs }
    paretoFront(cost: $cost) { submissionName who accuracy paramCount }
    byDay { day runs best median bestSoFar }
    confusedPairs(limit: 5) { scope runs runsWithoutPredictions pairs { trueClass trueName predictedClass predictedName count } }
  }
}`;

interface Point {
  submissionId: string | null;
  submissionName: string | null;
  who: string;
  mine: boolean;
  authorId: string | null;
  accuracy: number;
  paramCount: number;
  flops: number | null;
  depth: number | null;
  maxDropout: number | null;
}

describe("classAnalytics", () => {
  let slug: string;
  let classId: string;
  let grader: Viewer;
  let ada: { id: string; viewer: Viewer };
  let ben: { id: string; viewer: Viewer };
  const runs: Record<string, { id: string; testAccuracy: number; publicAccuracy: number }> = {};

  beforeAll(async () => {
    const owner = await makeUser("Analytics Owner");
    grader = owner.viewer;
    ada = await makeUser("Ada Analytics");
    ben = await makeUser("Ben Analytics");
    ({ slug, id: classId } = await createClassAs(owner.viewer, "Analytics"));
    await addMember(classId, ada.id);
    await addMember(classId, ben.id);
    // Oldest first: Ada submits first, so she is Student 1 and Ben Student 2.
    const plan = [
      { key: "a1", author: ada.id, every: 3, params: 1_000 },
      { key: "b1", author: ben.id, every: 4, params: 3_000 },
      { key: "a2", author: ada.id, every: 2, params: 5_000 },
      { key: "b2", author: ben.id, every: 1, params: 20_000 },
    ];
    for (const [i, run] of plan.entries()) {
      runs[run.key] = await addScoredSubmission(run.author, classId, run.key, run.every);
      // Submitted two days ago, a minute apart; finished now, except b1, yesterday (UTC).
      const at = new Date(Date.now() - 2 * 86_400_000 + i * 60_000);
      const finishedAt = run.key === "b1" ? new Date(Date.now() - 86_400_000) : new Date();
      await db.submission.update({
        where: { id: runs[run.key]!.id },
        data: { createdAt: at, startedAt: at, finishedAt },
      });
      await db.result.update({ where: { submissionId: runs[run.key]!.id }, data: { paramCount: run.params } });
    }
    // a2 was scored with its traits stored; the others predate them and are parsed (traits.ts).
    await db.result.update({ where: { submissionId: runs.a2!.id }, data: { flops: 999, depth: 7, maxDropout: 0.25 } });
  });

  it("graders: names, full-test-set accuracy, the Pareto front named, days, summed confusion", async () => {
    const result = await gql(grader, QUERY, { slug });
    expect(result.errors).toBeUndefined();
    const a = result.data!.classAnalytics;
    expect(a.scope).toBe("FULL_TEST_SET");
    expect(a.showsNames).toBe(true);
    expect(a.points.map((p: Point) => [p.submissionName, p.who])).toEqual([
      ["a1", "Ada Analytics"],
      ["b1", "Ben Analytics"],
      ["a2", "Ada Analytics"],
      ["b2", "Ben Analytics"],
    ]);
    const byName = Object.fromEntries(a.points.map((p: Point) => [p.submissionName, p]));
    expect(byName.b2.accuracy).toBe(runs.b2!.testAccuracy);
    // The MLP (784 → 128 tanh → 10 softmax) parsed: 2·784·128 + 2·128·10 FLOPs, two Dense layers.
    expect(byName.a1).toMatchObject({ flops: 203_264, depth: 2, maxDropout: 0, submissionId: runs.a1!.id });
    expect(byName.a2).toMatchObject({ flops: 999, depth: 7, maxDropout: 0.25 });
    // Training defaults filled in for a config stored without them.
    expect(a.points[0]).toMatchObject({ optimizer: "adam", learningRate: 0.001, batchSize: 32, epochs: 1 });
    // b1 (3,000 params, 25 %) is beaten by a1 (1,000, 33 %).
    expect(a.paretoFront.map((p: Point) => `${p.who}: ${p.submissionName}`)).toEqual([
      "Ada Analytics: a1",
      "Ada Analytics: a2",
      "Ben Analytics: b2",
    ]);
    const today = new Date().toISOString().slice(0, 10);
    expect(a.byDay).toHaveLength(2);
    expect(a.byDay[1]).toMatchObject({ day: today, runs: 3, best: runs.b2!.testAccuracy });
    expect(a.byDay[1].median).toBeCloseTo(runs.a2!.testAccuracy, 12);
    expect(a.byDay[0]).toMatchObject({ runs: 1, best: runs.b1!.testAccuracy, bestSoFar: runs.b1!.testAccuracy });
    expect(a.byDay[1].bestSoFar).toBe(runs.b2!.testAccuracy);
    // Latest runs: a2 (right on every 2nd image, else label + 1) and b2 (all right).
    const matrix = (await db.result.findUniqueOrThrow({ where: { submissionId: runs.a2!.id } }))
      .confusionMatrix as number[][];
    const pairs = a.confusedPairs.pairs;
    expect(a.confusedPairs).toMatchObject({ scope: "FULL_TEST_SET", runs: 2, runsWithoutPredictions: 0 });
    expect(pairs).toHaveLength(5);
    for (const pair of pairs) {
      expect(pair.predictedClass).toBe((pair.trueClass + 1) % 10);
      expect(pair.count).toBe(matrix[pair.trueClass]![pair.predictedClass]);
      expect(pair.trueName).toBe(CLASS_NAMES[pair.trueClass]);
    }
    expect(pairs.map((p: { count: number }) => p.count)).toEqual(
      [...pairs.map((p: { count: number }) => p.count)].sort((x, y) => y - x),
    );
  });

  it("students: pseudonyms, their own runs as You, the public half only", async () => {
    const result = await gql(ada.viewer, QUERY, { slug, cost: "PARAMS" });
    expect(result.errors).toBeUndefined();
    const a = result.data!.classAnalytics;
    expect(a).toMatchObject({ scope: "PUBLIC_HALF", showsNames: false });
    expect(a.points.map((p: Point) => [p.who, p.mine, p.submissionName, p.authorId])).toEqual([
      ["You", true, "a1", ada.id],
      ["Student 2", false, null, null],
      ["You", true, "a2", ada.id],
      ["Student 2", false, null, null],
    ]);
    expect(JSON.stringify(a)).not.toContain("Ben");
    expect(a.points.filter((p: Point) => !p.mine).every((p: Point) => p.submissionId === null)).toBe(true);
    expect(a.points[3].accuracy).toBe(runs.b2!.publicAccuracy);
    expect(a.paretoFront.map((p: Point) => p.who)).toEqual(["You", "You", "Student 2"]);
    expect(a.byDay[1].best).toBe(runs.b2!.publicAccuracy);
    // Recounted from a2's predictions on the public half (b2 has no errors).
    const half = (await scoreOn(await makePredictions(2), "public"))!;
    expect(a.confusedPairs).toMatchObject({ scope: "PUBLIC_HALF", runs: 2 });
    expect(a.confusedPairs.pairs).toHaveLength(5);
    for (const pair of a.confusedPairs.pairs) {
      expect(pair.count).toBe(half.confusionMatrix[pair.trueClass]![pair.predictedClass]);
    }
    // Ben sees Ada as Student 1: the numbers are the same for everyone.
    const benView = (await gql(ben.viewer, QUERY, { slug })).data!.classAnalytics;
    expect(benView.points.map((p: Point) => p.who)).toEqual(["Student 1", "You", "Student 1", "You"]);
  });

  it("names for everyone once the class shows architectures; public half until the reveal", async () => {
    await db.class.update({ where: { id: classId }, data: { showArchitectures: true } });
    try {
      const a = (await gql(ada.viewer, QUERY, { slug })).data!.classAnalytics;
      expect(a).toMatchObject({ scope: "PUBLIC_HALF", showsNames: true });
      expect(a.points.map((p: Point) => p.who)).toEqual([
        "Ada Analytics",
        "Ben Analytics",
        "Ada Analytics",
        "Ben Analytics",
      ]);
      expect(a.points[1].submissionId).toBe(runs.b1!.id);
    } finally {
      await db.class.update({ where: { id: classId }, data: { showArchitectures: false } });
    }
  });

  it("refuses a bad argument with a clear error", async () => {
    const result = await gql(
      grader,
      `query($slug: String!) { classAnalytics(classSlug: $slug) { confusedPairs(limit: 0) { runs } } }`,
      { slug },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
