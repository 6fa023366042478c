// A graph model (issue #15) through the platform: submitted as Keras 3 Functional JSON, trained
// by a real worker process (worker/train-submission.ts → runTraining) on the committed subset,
// its model stored as a tfjs graph, offered for download as TensorFlow.js and ONNX (the Keras
// writer refuses graphs), and reloaded in stock tfjs to the result's predictions.
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { artifacts } from "@/lib/server/artifacts/store";
import { db } from "@/lib/server/db";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import { loadFashionMnist, loadModel, predictProbabilities, unpackModel } from "@/trainer";
import { makeUser } from "../helpers/fixtures";
import { startWorker, stopAllWorkers, waitForStatus } from "../helpers/workers";

afterAll(stopAllWorkers);

// A residual Dense block and a Subtract branch: Dense(32) → [Dense(32) + skip] − Dense(32), as
// Keras 3 writes it (written by trainer/test/helpers/graphs.ts).
const GRAPH = JSON.parse(
  readFileSync(new URL("../../trainer/test/keras/keras3-dense-residual-subtract.json", import.meta.url), "utf8"),
);

describe("a graph submission", () => {
  it("trains in a worker, is stored as a tfjs graph and reproduces its predictions", async () => {
    const [grader, student] = await Promise.all([makeUser("Graph Grader"), makeUser("Graph Student")]);
    const klass = await createClass(grader.viewer, { name: "Graph models" });
    await joinClass(student.viewer, klass.joinCode!);
    const created = await createSubmission(student.viewer, {
      classSlug: klass.slug,
      name: "residual",
      architecture: GRAPH,
      training: { maxEpochs: 2, batchSize: 64, seed: 3 },
    });
    await startWorker();
    const done = await waitForStatus(created.id, ["SUCCEEDED", "FAILED"]);
    expect(done.status).toBe("SUCCEEDED");
    const result = await db.result.findUniqueOrThrow({
      where: { submissionId: created.id },
      select: { testAccuracy: true, predictions: true },
    });
    expect(result.testAccuracy).toBeGreaterThan(0.5);

    const stored = (await artifacts.get(created.id, "MODEL"))!;
    expect(stored.formats).toEqual(["tfjs", "onnx"]);
    const saved = unpackModel(stored.bytes);
    expect(saved.metadata.architecture.class_name).toBe("Functional");
    expect(saved.metadata.paramCount).toBe(3 * (784 * 32 + 32) - (784 - 32) * 32 + 32 * 10 + 10);
    const { test } = await loadFashionMnist({ subset: "fixture" });
    const model = await loadModel(saved);
    const p = await predictProbabilities(model, test.images, test.count);
    model.dispose();
    const argmax = Array.from({ length: test.count }, (_, i) => {
      const row = Array.from(p.subarray(i * 10, i * 10 + 10));
      return row.indexOf(Math.max(...row));
    });
    expect(argmax).toEqual([...result.predictions!]);
  });
});
