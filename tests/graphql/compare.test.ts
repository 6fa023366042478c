import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, recordQueries } from "@/lib/server/db";
import { testLabels } from "@/lib/server/test-set";
import type { Viewer } from "@/lib/server/viewer";
import { createScoredSubmission, errorCode, gql, makeUser } from "../helpers/fixtures";
import { addMember, addPlainSubmission, createClassAs, discardQueuedWork, makePredictions } from "../helpers/grading";

// compareSubmissions through the real schema, services and database: who may compare what, what
// each sees (public half for students), the diffs, and a statement count that does not grow with
// the number of submissions compared.
process.env.CATWALK_QUERY_EVENTS = "1";

const COMPARE = `query($ids: [ID!]!, $base: ID) {
  compareSubmissions(ids: $ids, base: $base) {
    classSlug baseId
    submissions { id name isOwn isFinal author { id } totalParams flopsPerSample
      result { scope testAccuracy privateAccuracy confusionMatrix perClass { f1 } } }
    training { field values changed }
    pairs { otherId confusionDifference f1Deltas
      layers { kind base { className params } other { className params } changes { field before after } } }
  }
}`;

const arch = (units: number) => ({
  layers: [
    { type: "Flatten" },
    { type: "Dense", units, activation: "relu" },
    { type: "Dense", units: 10, activation: "softmax" },
  ],
});

afterAll(discardQueuedWork);

describe("compareSubmissions", () => {
  let student: Viewer;
  let classmate: Viewer;
  let grader: Viewer;
  let outsider: Viewer;
  let classId: string;
  let slug: string;
  const ids: Record<"a" | "b" | "c" | "d" | "theirs", string> = {} as never;
  let ownQueued: string;
  let theirQueued: string;
  let elsewhere: string;

  beforeAll(async () => {
    const [owner, s, c, o] = await Promise.all([
      makeUser("Compare Owner"),
      makeUser("Compare Student"),
      makeUser("Compare Classmate"),
      makeUser("Compare Outsider"),
    ]);
    grader = owner.viewer;
    student = s.viewer;
    classmate = c.viewer;
    outsider = o.viewer;
    ({ id: classId, slug } = await createClassAs(owner.viewer, "Compare class"));
    await addMember(classId, s.id);
    await addMember(classId, c.id);
    const labels = (await testLabels())!;
    const scored = async (authorId: string, name: string, every: number, units: number, training = {}) => {
      const { id } = await createScoredSubmission({
        authorId,
        classId,
        name,
        labels,
        predictions: await makePredictions(every),
        architecture: arch(units),
      });
      await db.submission.update({ where: { id }, data: { training } });
      return id;
    };
    ids.a = await scored(s.id, "A", 2, 32, { learningRate: 0.001 });
    ids.b = await scored(s.id, "B", 3, 64, { learningRate: 0.01 });
    ids.c = await scored(s.id, "C", 4, 32, { learningRate: 0.001 });
    ids.d = await scored(s.id, "D", 5, 32, { batchSize: 64 });
    ids.theirs = await scored(c.id, "Theirs", 2, 16);
    await db.submission.update({ where: { id: ids.theirs }, data: { finalSelectedAt: new Date() } });
    ownQueued = await addPlainSubmission(s.id, classId, "QUEUED");
    theirQueued = await addPlainSubmission(c.id, classId, "FAILED");
    const other = await createClassAs(o.viewer, "Compare elsewhere");
    elsewhere = await createScoredSubmission({
      authorId: o.id,
      classId: other.id,
      name: "Elsewhere",
      labels,
      predictions: await makePredictions(2),
    }).then((r) => r.id);
  });

  it("diffs a student's own runs on the public half: config, layers, confusion matrices, F1", async () => {
    const r = await gql(student, COMPARE, { ids: [ids.a, ids.b] });
    expect(r.errors).toBeUndefined();
    const cmp = r.data!.compareSubmissions;
    expect(cmp.classSlug).toBe(slug);
    expect(cmp.baseId).toBe(ids.a);
    expect(cmp.submissions.map((s: { name: string }) => s.name)).toEqual(["A", "B"]);
    for (const s of cmp.submissions) {
      expect(s.isOwn).toBe(true);
      expect(s.result.scope).toBe("PUBLIC_HALF");
      expect(s.result.privateAccuracy).toBeNull();
    }
    expect(cmp.submissions[0].totalParams).toBe(784 * 32 + 32 + 33 * 10);
    // The same numbers as each submission's own page shows the student.
    const own = async (id: string) =>
      (
        await gql(
          student,
          `query($id: ID!) { submission(id: $id) { result { testAccuracy confusionMatrix perClass { f1 } } } }`,
          {
            id,
          },
        )
      ).data!.submission.result;
    const [a, b] = [await own(ids.a), await own(ids.b)];
    expect(cmp.submissions[0].result.testAccuracy).toBe(a.testAccuracy);
    expect(cmp.submissions[1].result.confusionMatrix).toEqual(b.confusionMatrix);
    const [pair] = cmp.pairs;
    expect(pair.otherId).toBe(ids.b);
    expect(pair.confusionDifference).toEqual(
      b.confusionMatrix.map((row: number[], t: number) => row.map((v, p) => v - a.confusionMatrix[t][p])),
    );
    // Over the same images, each row of the difference sums to zero.
    for (const row of pair.confusionDifference) expect(row.reduce((x: number, y: number) => x + y, 0)).toBe(0);
    expect(pair.f1Deltas[3]).toBeCloseTo(b.perClass[3].f1 - a.perClass[3].f1, 12);
    expect(cmp.training.find((f: { field: string }) => f.field === "learningRate")).toEqual({
      field: "learningRate",
      values: ["0.001", "0.01"],
      changed: [false, true],
    });
    expect(pair.layers.map((l: { kind: string }) => l.kind)).toEqual(["SAME", "CHANGED", "CHANGED"]);
    expect(pair.layers[1].changes[0]).toEqual({ field: "units", before: "32", after: "64" });
  });

  it("diffs every other run against the base given, in the order asked", async () => {
    const r = await gql(student, COMPARE, { ids: [ids.a, ids.b, ids.c, ids.d], base: ids.c });
    const cmp = r.data!.compareSubmissions;
    expect(cmp.baseId).toBe(ids.c);
    expect(cmp.pairs.map((p: { otherId: string }) => p.otherId)).toEqual([ids.a, ids.b, ids.d]);
    expect(cmp.training.find((f: { field: string }) => f.field === "batchSize")).toMatchObject({
      values: ["32", "32", "32", "64"],
      changed: [false, false, false, true],
    });
    expect(cmp.pairs[0].layers.every((l: { kind: string }) => l.kind === "SAME")).toBe(true);
  });

  it("shows graders the full test set", async () => {
    const r = await gql(grader, COMPARE, { ids: [ids.a, ids.theirs] });
    expect(r.errors).toBeUndefined();
    const [a, theirs] = r.data!.compareSubmissions.submissions;
    expect(a.result.scope).toBe("FULL_TEST_SET");
    expect(a.result.privateAccuracy).not.toBeNull();
    expect(a.isOwn).toBe(false);
    expect(theirs.isFinal).toBe(true);
  });

  it("lets a student include a classmate's run only while the class shows architectures", async () => {
    const withTheirs = { ids: [ids.a, ids.theirs] };
    const refused = await gql(student, COMPARE, withTheirs);
    expect(errorCode(refused)).toBe("FORBIDDEN");
    expect(refused.errors![0]!.message).toMatch(/does not show other students' architectures/);
    await db.class.update({ where: { id: classId }, data: { showArchitectures: true } });
    try {
      const r = await gql(student, COMPARE, withTheirs);
      expect(r.errors).toBeUndefined();
      const theirs = r.data!.compareSubmissions.submissions[1];
      expect(theirs.isOwn).toBe(false);
      expect(theirs.result.scope).toBe("PUBLIC_HALF");
      // The board hides final selections from students until the reveal; so does comparing.
      expect(theirs.isFinal).toBeNull();
      // Classmates' runs that did not succeed are on no board: not found, not "no result".
      expect(errorCode(await gql(student, COMPARE, { ids: [ids.a, theirQueued] }))).toBe("NOT_FOUND");
      expect(errorCode(await gql(classmate, COMPARE, { ids: [ids.theirs, ids.a] }))).toBeUndefined();
    } finally {
      await db.class.update({ where: { id: classId }, data: { showArchitectures: false } });
    }
  });

  it("refuses bad input with the field named", async () => {
    const issue = async (vars: Record<string, unknown>, viewer: Viewer = student) => {
      const r = await gql(viewer, COMPARE, vars);
      expect(errorCode(r)).toBe("BAD_USER_INPUT");
      return (r.errors![0]!.extensions!.issues as { path: string; message: string }[])[0]!;
    };
    expect(await issue({ ids: [ids.a] })).toEqual({ path: "ids", message: "Pick at least 2 submissions to compare." });
    expect((await issue({ ids: [ids.a, ids.b, ids.c, ids.d, ids.theirs] })).path).toBe("ids");
    expect(await issue({ ids: [ids.a, ids.a] })).toEqual({ path: "ids", message: "Each submission only once." });
    expect((await issue({ ids: [ids.a, ids.b], base: ids.c })).path).toBe("base");
    expect(await issue({ ids: [ids.a, elsewhere] }, grader)).toEqual({
      path: "ids",
      message: "Compare submissions of one class only.",
    });
    expect((await issue({ ids: [ids.a, ownQueued] })).path).toBe("ids.1");
    expect(errorCode(await gql(student, COMPARE, { ids: [ids.a, "nope"] }))).toBe("NOT_FOUND");
    expect(errorCode(await gql(outsider, COMPARE, { ids: [ids.a, ids.b] }))).toBe("FORBIDDEN");
    expect(errorCode(await gql(null, COMPARE, { ids: [ids.a, ids.b] }))).toBe("UNAUTHENTICATED");
  });

  it("sends as many statements for 4 submissions as for 2", async () => {
    const count = async (list: string[]) => {
      const { value, queries } = await recordQueries(() => gql(student, COMPARE, { ids: list }));
      expect(value.errors).toBeUndefined();
      return queries.length;
    };
    const two = await count([ids.a, ids.b]);
    const four = await count([ids.a, ids.b, ids.c, ids.d]);
    // The ids' class and authors (1), the class and membership (1), the rows and one batched
    // statement per relation Prisma loads (author, class, stored model, result: 5), the public
    // half's predictions for all of them (1).
    expect(four).toBe(two);
    expect(two).toBe(8);
  });
});
