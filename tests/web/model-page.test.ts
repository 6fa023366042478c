import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { artifacts } from "@/lib/server/artifacts/store";
import { db } from "@/lib/server/db";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { sampleTestImages } from "@/lib/server/services/gallery";
import { getModelPage } from "@/lib/server/services/models/model-page";
import { parseIdx } from "@/trainer/data";
import { createScoredSubmission, makeUser } from "../helpers/fixtures";
import { trainedModelBytes } from "../models/stored-model";

// Who may open a model's own page (app/submissions/[id]/model): the model's users (author,
// graders, classmates while the class shares models; access.ts `who: "model-user"`), and which
// of them also get random test images (those who may open the submission itself).
const labels = parseIdx(readFileSync(join(process.env.FASHION_MNIST_DIR!, "t10k-labels-idx1-ubyte.gz"))).data;

let grader: Awaited<ReturnType<typeof makeUser>>;
let author: Awaited<ReturnType<typeof makeUser>>;
let classmate: Awaited<ReturnType<typeof makeUser>>;
let outsider: Awaited<ReturnType<typeof makeUser>>;
let classId: string;
let withModel: string;
let withoutModel: string;

beforeAll(async () => {
  grader = await makeUser("Page Grader");
  author = await makeUser("Page Author");
  classmate = await makeUser("Page Classmate");
  outsider = await makeUser("Page Outsider");
  const klass = await createClass(grader.viewer, { name: `Model page ${Date.now()}` });
  classId = klass.id;
  await joinClass(author.viewer, klass.joinCode);
  await joinClass(classmate.viewer, klass.joinCode);
  const scored = { authorId: author.id, classId, labels, predictions: labels.slice() };
  withModel = (await createScoredSubmission({ ...scored, name: "kept" })).id;
  withoutModel = (await createScoredSubmission({ ...scored, name: "not kept" })).id;
  await artifacts.put(withModel, "MODEL", (await trainedModelBytes()).bytes);
});

describe("getModelPage", () => {
  it("shows the author and graders the model and the test images", async () => {
    for (const viewer of [author.viewer, grader.viewer]) {
      await expect(getModelPage(viewer, withModel)).resolves.toMatchObject({
        name: "kept",
        authorName: "Page Author",
        stored: true,
        opensSubmission: true,
      });
    }
    expect((await getModelPage(author.viewer, withoutModel)).stored).toBe(false);
  });

  it("opens to classmates only while the class shares models, and without test images", async () => {
    await expect(getModelPage(classmate.viewer, withModel)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await db.class.update({ where: { id: classId }, data: { shareModels: true } });
    try {
      await expect(getModelPage(classmate.viewer, withModel)).resolves.toMatchObject({
        stored: true,
        opensSubmission: false,
      });
      // The page hides them, and the route refuses them: per-image results stay the author's.
      await expect(sampleTestImages(classmate.viewer, withModel, 8)).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(getModelPage(outsider.viewer, withModel)).rejects.toMatchObject({ code: "FORBIDDEN" });
    } finally {
      await db.class.update({ where: { id: classId }, data: { shareModels: false } });
    }
    await expect(getModelPage(author.viewer, "no-such-submission")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
