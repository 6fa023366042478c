import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { getTestImagePng, MAX_SAMPLE, sampleTestImages } from "@/lib/server/services/gallery";
import { parseIdx, publicPrivateSplit } from "@/trainer/data";
import { createScoredSubmission, makeUser } from "../helpers/fixtures";

// "Try test images" on the model page: random test images with their true class, under the
// gallery's rule (students: the public half only; graders: all), against a real database and the
// committed test subset.
const labels = parseIdx(readFileSync(join(process.env.FASHION_MNIST_DIR!, "t10k-labels-idx1-ubyte.gz"))).data;
const split = publicPrivateSplit(labels.length);
const isPublic = new Set(split.public);

let grader: Awaited<ReturnType<typeof makeUser>>;
let student: Awaited<ReturnType<typeof makeUser>>;
let classmate: Awaited<ReturnType<typeof makeUser>>;
let outsider: Awaited<ReturnType<typeof makeUser>>;
let submissionId: string;

beforeAll(async () => {
  grader = await makeUser("Sample Grader");
  student = await makeUser("Sample Student");
  classmate = await makeUser("Sample Classmate");
  outsider = await makeUser("Sample Outsider");
  const klass = await createClass(grader.viewer, { name: `Sample ${Date.now()}` });
  await joinClass(student.viewer, klass.joinCode);
  await joinClass(classmate.viewer, klass.joinCode);
  submissionId = (
    await createScoredSubmission({
      authorId: student.id,
      classId: klass.id,
      name: "sampled",
      labels,
      predictions: labels.slice(),
    })
  ).id;
});

describe("sampleTestImages", () => {
  it("gives the author distinct public-half images with their true labels, each one the PNG route serves", async () => {
    const seen = new Set<number>();
    for (let draw = 0; draw < 20; draw++) {
      const sample = await sampleTestImages(student.viewer, submissionId, "8");
      expect(sample.scope).toBe("public");
      expect(sample.images).toHaveLength(8);
      expect(new Set(sample.images.map((i) => i.index)).size).toBe(8);
      for (const { index, label } of sample.images) {
        expect(isPublic.has(index)).toBe(true);
        expect(label).toBe(labels[index]);
        seen.add(index);
      }
    }
    // Random, not a fixed list: 160 draws from 500 public images land on many different ones.
    expect(seen.size).toBeGreaterThan(80);
    const first = (await sampleTestImages(student.viewer, submissionId, undefined)).images[0]!;
    await expect(getTestImagePng(student.viewer, submissionId, first.index)).resolves.toBeInstanceOf(Buffer);
  });

  it("draws graders' samples from the whole test set, private half included", async () => {
    const sample = await sampleTestImages(grader.viewer, submissionId, MAX_SAMPLE);
    expect(sample.scope).toBe("all");
    let privateSeen = 0;
    for (let draw = 0; draw < 5; draw++) {
      for (const { index } of (await sampleTestImages(grader.viewer, submissionId, MAX_SAMPLE)).images) {
        if (!isPublic.has(index)) privateSeen++;
      }
    }
    expect(privateSeen).toBeGreaterThan(0);
  });

  it("refuses other students and non-members, and a count out of range by name", async () => {
    await expect(sampleTestImages(classmate.viewer, submissionId, 8)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(sampleTestImages(outsider.viewer, submissionId, 8)).rejects.toMatchObject({ code: "FORBIDDEN" });
    for (const count of ["0", "33", "2.5", "many"]) {
      await expect(sampleTestImages(student.viewer, submissionId, count)).rejects.toMatchObject({
        code: "BAD_USER_INPUT",
        message: "count must be a whole number from 1 to 32.",
      });
    }
    await expect(sampleTestImages(student.viewer, "no-such-submission", 8)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
