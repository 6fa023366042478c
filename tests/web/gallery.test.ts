import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decode } from "fast-png";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { getCellImages, getTestImagePng, getVisibleScores } from "@/lib/server/services/gallery";
import { parseIdx, publicPrivateSplit } from "@/trainer/data";
import { createScoredSubmission, makeUser } from "../helpers/fixtures";

// The gallery's visibility rule against a real database and the committed test subset.
const labels = parseIdx(readFileSync(join(process.env.FASHION_MNIST_DIR!, "t10k-labels-idx1-ubyte.gz"))).data;
const images = parseIdx(readFileSync(join(process.env.FASHION_MNIST_DIR!, "t10k-images-idx3-ubyte.gz"))).data;
// A model that confuses every Shirt (6) with T-shirt/top (0) and gets everything else right.
const predictions = Uint8Array.from(labels, (l) => (l === 6 ? 0 : l));
const split = publicPrivateSplit(predictions.length);
const shirts = [...labels.keys()].filter((i) => labels[i] === 6);
const publicShirts = shirts.filter((i) => split.public.includes(i));
const privateShirt = shirts.find((i) => !split.public.includes(i))!;

let grader: Awaited<ReturnType<typeof makeUser>>;
let student: Awaited<ReturnType<typeof makeUser>>;
let other: Awaited<ReturnType<typeof makeUser>>;
let submissionId: string;
let classId: string;

beforeAll(async () => {
  grader = await makeUser("Gallery Grader");
  student = await makeUser("Gallery Student");
  other = await makeUser("Gallery Other");
  const klass = await createClass(grader.viewer, { name: `Gallery ${Date.now()}` });
  classId = klass.id;
  await joinClass(student.viewer, klass.joinCode);
  await joinClass(other.viewer, klass.joinCode);
  submissionId = (
    await createScoredSubmission({
      authorId: student.id,
      classId: classId,
      name: "shirt confuser",
      labels,
      predictions,
    })
  ).id;
});

describe("confusion-matrix gallery", () => {
  it("lists only public-half images for the author, every image for a grader", async () => {
    const mine = await getCellImages(student.viewer, submissionId, 6, 0, 1000);
    expect(mine).toMatchObject({ scope: "public", total: publicShirts.length, indices: publicShirts });
    const all = await getCellImages(grader.viewer, submissionId, "6", "0", 1000);
    expect(all).toMatchObject({ scope: "all", total: shirts.length, indices: shirts });
    expect((await getCellImages(grader.viewer, submissionId, 6, 6)).total).toBe(0);
  });

  it("serves a private-half image to the grader only, and nothing to other students", async () => {
    const png = await getTestImagePng(grader.viewer, submissionId, privateShirt);
    // Read back by a decoder we didn't write: 8-bit grayscale, exactly the test set's pixels.
    const decoded = decode(png);
    expect(decoded).toMatchObject({ width: 28, height: 28, channels: 1, depth: 8 });
    expect([...decoded.data]).toEqual([...images.subarray(privateShirt * 784, (privateShirt + 1) * 784)]);
    await expect(getTestImagePng(student.viewer, submissionId, privateShirt)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(getTestImagePng(student.viewer, submissionId, publicShirts[0])).resolves.toBeInstanceOf(Buffer);
    await expect(getTestImagePng(other.viewer, submissionId, publicShirts[0])).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(getCellImages(other.viewer, submissionId, 6, 0)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getTestImagePng(grader.viewer, submissionId, 1e6)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getCellImages(grader.viewer, submissionId, 10, 0)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
  });

  it("computes the author's matrix on the public half until the reveal, on everything after", async () => {
    const before = await getVisibleScores(student.viewer, submissionId);
    expect(before).toMatchObject({ scope: "public", images: split.public.length });
    expect(before!.confusionMatrix[6]![0]).toBe(publicShirts.length);
    expect(before!.perClass[6]!.recall).toBe(0);
    await db.class.update({ where: { id: classId }, data: { privateRevealed: true } });
    const after = await getVisibleScores(student.viewer, submissionId);
    expect(after).toMatchObject({ scope: "all", images: predictions.length });
    expect(after!.confusionMatrix[6]![0]).toBe(shirts.length);
    // Per-image results of the private half stay with the graders even after the reveal.
    expect((await getCellImages(student.viewer, submissionId, 6, 0, 1000)).scope).toBe("public");
  });
});
