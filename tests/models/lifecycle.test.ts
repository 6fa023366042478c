import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifacts } from "@/lib/server/artifacts/store";
import { db } from "@/lib/server/db";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import { testLabels } from "@/lib/server/test-set";
import { CLASS_NAMES, loadFashionMnist, loadModel, predictProbabilities, unpackModel } from "@/trainer";
import { errorCode, gql, makeUser } from "../helpers/fixtures";
import { startWorker, stopAllWorkers, waitFor, waitForStatus } from "../helpers/workers";
import { TINY_MLP } from "./stored-model";

// A real worker trains a submission and keeps its model with the result; a grader re-evaluates
// it (the stored model scored again, no training) and retrains it (from scratch, a new model).

afterAll(stopAllWorkers);

const resultRow = (submissionId: string) =>
  db.result.findUniqueOrThrow({
    where: { submissionId },
    select: {
      testAccuracy: true,
      publicAccuracy: true,
      privateAccuracy: true,
      confusionMatrix: true,
      predictions: true,
      evaluatedAt: true,
      reevaluationRequestedAt: true,
    },
  });

describe("the trained model, kept", () => {
  let grader: Awaited<ReturnType<typeof makeUser>>;
  let student: Awaited<ReturnType<typeof makeUser>>;
  let submissionId: string;

  beforeAll(async () => {
    [grader, student] = await Promise.all([makeUser("Kept Grader"), makeUser("Kept Student")]);
    const klass = await createClass(grader.viewer, { name: "Kept models" });
    await joinClass(student.viewer, klass.joinCode!);
    await startWorker();
    const created = await createSubmission(student.viewer, {
      classSlug: klass.slug,
      name: "kept",
      architecture: TINY_MLP,
      training: { maxEpochs: 2, batchSize: 64, seed: 7 },
    });
    submissionId = created.id;
    await waitForStatus(submissionId, ["SUCCEEDED"]);
  });

  it("is stored with its result, and reproduces the result's predictions in stock tfjs", async () => {
    const stored = (await artifacts.get(submissionId, "MODEL"))!;
    expect(stored.sizeBytes).toBe(stored.bytes.byteLength);
    // The worker exported it to each format before storing it: every one is offered.
    expect(stored.formats).toEqual(["tfjs", "keras", "onnx"]);
    const saved = unpackModel(stored.bytes);
    expect(saved.metadata).toMatchObject({
      format: "catwalk-model/1",
      inputShape: [28, 28, 1],
      pixelScale: 1 / 255,
      classNames: [...CLASS_NAMES],
      paramCount: 784 * 32 + 32 + 32 * 10 + 10,
      seed: 7,
      epochs: 2,
      output: "probabilities",
    });
    expect(saved.metadata.training).toMatchObject({ maxEpochs: 2, batchSize: 64, seed: 7 });
    const { test } = await loadFashionMnist({ subset: "fixture" });
    const model = await loadModel(saved);
    const p = await predictProbabilities(model, test.images, test.count);
    model.dispose();
    const argmax = Array.from({ length: test.count }, (_, i) => {
      const row = Array.from(p.subarray(i * 10, i * 10 + 10));
      return row.indexOf(Math.max(...row));
    });
    expect(argmax).toEqual([...(await resultRow(submissionId)).predictions!]);
  });

  it("re-evaluates without training: the scores come back from the stored model, nothing else moves", async () => {
    const before = await resultRow(submissionId);
    const run = await db.submission.findUniqueOrThrow({
      where: { id: submissionId },
      select: { finishedAt: true, attempts: true },
    });
    // As if scoring had changed since: wrong numbers in the row, which a re-evaluation replaces.
    const labels = (await testLabels())!;
    await db.result.update({
      where: { submissionId },
      data: { testAccuracy: 0, publicAccuracy: 0, privateAccuracy: 0, predictions: Buffer.from(labels.map(() => 0)) },
      select: { id: true },
    });
    expect(
      errorCode(
        await gql(student.viewer, `mutation($id: ID!) { reevaluateSubmission(id: $id) { id } }`, { id: submissionId }),
      ),
    ).toBe("FORBIDDEN");
    const asked = await gql(
      grader.viewer,
      `mutation($id: ID!) { reevaluateSubmission(id: $id) { status result { reevaluating } } }`,
      { id: submissionId },
    );
    expect(asked.errors).toBeUndefined();
    expect(asked.data!.reevaluateSubmission).toEqual({ status: "SUCCEEDED", result: { reevaluating: true } });

    const after = await waitFor("the re-evaluation", async () => {
      const row = await resultRow(submissionId);
      return row.reevaluationRequestedAt === null ? row : null;
    });
    expect(after.testAccuracy).toBe(before.testAccuracy);
    expect(after.publicAccuracy).toBe(before.publicAccuracy);
    expect(after.privateAccuracy).toBe(before.privateAccuracy);
    expect(after.confusionMatrix).toEqual(before.confusionMatrix);
    expect([...after.predictions!]).toEqual([...before.predictions!]);
    expect(after.evaluatedAt.getTime()).toBeGreaterThan(before.evaluatedAt.getTime());
    expect(
      await db.submission.findUniqueOrThrow({
        where: { id: submissionId },
        select: { finishedAt: true, attempts: true },
      }),
    ).toEqual(run);
  });

  it("retrains from scratch: the old model goes with the old result, the new run stores its own", async () => {
    const old = (await artifacts.info(submissionId, "MODEL"))!;
    const retrained = await gql(
      grader.viewer,
      `mutation($id: ID!) { retrainSubmission(id: $id) { status result { testAccuracy } } }`,
      {
        id: submissionId,
      },
    );
    expect(retrained.errors).toBeUndefined();
    // Queued again with its result dropped (the idle worker may already have claimed it).
    expect(retrained.data!.retrainSubmission.result).toBeNull();
    expect(["QUEUED", "RUNNING"]).toContain(retrained.data!.retrainSubmission.status);
    await waitForStatus(submissionId, ["SUCCEEDED"]);
    const fresh = (await artifacts.info(submissionId, "MODEL"))!;
    // Same seed and data: the same weights, so the same bytes; but a row written anew.
    expect(fresh.updatedAt.getTime()).toBeGreaterThan(old.updatedAt.getTime());
    expect(await db.artifact.count({ where: { submissionId } })).toBe(1);
  });

  it("refuses to re-evaluate a run without a stored model, saying to retrain", async () => {
    await artifacts.remove(submissionId, "MODEL");
    const refused = await gql(grader.viewer, `mutation($id: ID!) { reevaluateSubmission(id: $id) { id } }`, {
      id: submissionId,
    });
    expect(errorCode(refused)).toBe("BAD_USER_INPUT");
    expect(refused.errors![0].message).toMatch(/no stored model .* retrain it instead/);
  });
});
