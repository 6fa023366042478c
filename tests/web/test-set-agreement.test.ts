import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { getCellImages, getVisibleScores } from "@/lib/server/services/gallery";
import { accuracyOn, confusionMatrix, parseIdx, perClassMetrics, publicPrivateSplit } from "@/trainer/data";
import { createScoredSubmission, gql, makeUser } from "../helpers/fixtures";

// The web gallery (services/gallery.ts) and the graders' API (GraphQL: submission.result and
// predictionExamples) both read the test set through lib/server/test-set.ts. For one submission
// they must show the same halves and the same numbers, and those must be the trainer's: its
// `publicPrivateSplit`, `confusionMatrix` and `accuracyOn`, applied here independently.

const labels = parseIdx(readFileSync(join(process.env.FASHION_MNIST_DIR!, "t10k-labels-idx1-ubyte.gz"))).data;
const n = labels.length;
// Right on every third image, otherwise wrong in a way that spreads errors over many cells.
const predictions = Uint8Array.from(labels, (l, i) => (i % 3 === 0 ? l : (l + 1 + (i % 7)) % 10));
const split = publicPrivateSplit(n);
const everything = Uint32Array.from({ length: n }, (_, i) => i);
const publicCm = confusionMatrix(
  Array.from(split.public, (i) => labels[i]!),
  Array.from(split.public, (i) => predictions[i]!),
);

const RESULT = `query($id: ID!) { submission(id: $id) { result {
  scope testAccuracy publicAccuracy confusionMatrix perClass { precision recall f1 support } } } }`;
const EXAMPLES = `query($id: ID!, $t: Int!, $p: Int!) {
  predictionExamples(submissionId: $id, trueClass: $t, predictedClass: $p, limit: 200) { indices total scope } }`;

let grader: Awaited<ReturnType<typeof makeUser>>;
let student: Awaited<ReturnType<typeof makeUser>>;
let submissionId: string;

beforeAll(async () => {
  grader = await makeUser("Agree Grader");
  student = await makeUser("Agree Student");
  const klass = await createClass(grader.viewer, { name: `Agreement ${Date.now()}` });
  await joinClass(student.viewer, klass.joinCode);
  submissionId = (
    await createScoredSubmission({
      authorId: student.id,
      classId: klass.id,
      name: "spread errors",
      labels,
      predictions,
    })
  ).id;
});

/** Every cell as the gallery and as the API list it for one viewer; asserts they match cell by cell. */
async function listEveryCell(viewer: typeof student.viewer): Promise<{ indices: number[]; scopes: Set<string> }> {
  const seen: number[] = [];
  const scopes = new Set<string>();
  for (let t = 0; t < 10; t++) {
    for (let p = 0; p < 10; p++) {
      const web = await getCellImages(viewer, submissionId, t, p, 200);
      const api = await gql(viewer, EXAMPLES, { id: submissionId, t, p });
      expect(api.errors).toBeUndefined();
      const examples = api.data!.predictionExamples;
      expect({ cell: [t, p], indices: examples.indices, total: examples.total }).toEqual({
        cell: [t, p],
        indices: web.indices,
        total: web.total,
      });
      // Nothing cut off by the limit, so the union below is complete.
      expect(web.indices).toHaveLength(web.total);
      scopes.add(`${web.scope}/${examples.scope}`);
      seen.push(...web.indices);
    }
  }
  return { indices: seen.sort((a, b) => a - b), scopes };
}

describe("gallery and graders' API agree on the test set", () => {
  it("list the same images in every cell: the trainer's public half for the author, every image for a grader", async () => {
    const mine = await listEveryCell(student.viewer);
    expect([...mine.scopes]).toEqual(["public/PUBLIC_HALF"]);
    expect(mine.indices).toEqual(Array.from(split.public));

    const all = await listEveryCell(grader.viewer);
    expect([...all.scopes]).toEqual(["all/FULL_TEST_SET"]);
    expect(all.indices).toEqual(Array.from(everything));
  });

  it("compute the same public-half metrics for the author, equal to the trainer's", async () => {
    const web = await getVisibleScores(student.viewer, submissionId);
    const api = await gql(student.viewer, RESULT, { id: submissionId });
    expect(api.errors).toBeUndefined();
    const result = api.data!.submission.result;

    expect(web).toMatchObject({ scope: "public", images: split.public.length });
    expect(result.scope).toBe("PUBLIC_HALF");
    expect(web!.confusionMatrix).toEqual(publicCm);
    expect(result.confusionMatrix).toEqual(web!.confusionMatrix);
    expect(result.perClass).toEqual(web!.perClass);
    expect(web!.perClass).toEqual(perClassMetrics(publicCm));
    // The stored public accuracy (the trainer's) is what both show as the accuracy.
    expect(web!.accuracy).toBeCloseTo(accuracyOn(labels, predictions, split.public), 12);
    expect(result.testAccuracy).toBeCloseTo(web!.accuracy, 12);
  });

  it("give a grader the same full-test-set metrics", async () => {
    const web = await getVisibleScores(grader.viewer, submissionId);
    const result = (await gql(grader.viewer, RESULT, { id: submissionId })).data!.submission.result;
    expect(web).toMatchObject({ scope: "all", images: n });
    expect(result.scope).toBe("FULL_TEST_SET");
    expect(result.confusionMatrix).toEqual(web!.confusionMatrix);
    expect(web!.accuracy).toBeCloseTo(result.testAccuracy, 12);
  });
});
