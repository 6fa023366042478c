// Graph models in TensorFlow.js (issue #15): built as tfjs functional models, trained on the
// committed subset, saved and loaded back. The gradient checks:
// - on cpu, the model buildModel makes equals the same network written out with tf ops by hand
//   (every merge: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate), to 1e-6;
// - on the backend training uses (wasm here; the fused conv+pool steps aside for graphs), the
//   same architecture's gradients equal its unfused cpu build's, to 1e-4 of the largest gradient
//   (float32 sums in another order). Data-parallel replicas train graphs too (parallel.test.ts).

import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportKeras, exportOnnx, type FashionMnist, loadFashionMnist, runTraining, selectBackend } from "..";
import { type NormalizedModel, parseArchitecture } from "../arch";
import { loadModel, predictProbabilities } from "../export/save";
import { buildModel } from "../train/model";
import { graphJson, input, layer, mergeModel } from "./helpers/graphs";

let data: FashionMnist;
let backend: string;
beforeAll(async () => {
  data = await loadFashionMnist({ subset: "fixture" });
  backend = (await selectBackend()).name;
});
afterAll(async () => {
  await tf.setBackend(backend);
});

const fixture = (name: string) => readFileSync(new URL(`./keras/${name}`, import.meta.url), "utf8");
function parse(json: unknown): NormalizedModel {
  const r = parseArchitecture(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.model;
}

// Two conv branches a (relu) and b (linear), all seven merges of them, concatenated, pooled, Dense.
const ALL_MERGES = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"];
const allMerges = () =>
  graphJson("keras3", [
    input("image"),
    layer("Conv2D", "a", ["image"], { filters: 3, kernel_size: [3, 3], padding: "same", activation: "relu" }),
    layer("Conv2D", "b", ["image"], { filters: 3, kernel_size: [1, 1], padding: "same" }),
    ...ALL_MERGES.map((m) => layer(m, m.toLowerCase(), ["a", "b"])),
    layer(
      "Concatenate",
      "cat",
      ALL_MERGES.map((m) => m.toLowerCase()),
    ),
    layer("AveragePooling2D", "pool", ["cat"], { pool_size: [4, 4] }),
    layer("Flatten", "flat", ["pool"]),
    layer("Dense", "out", ["flat"], { units: 10, activation: "softmax" }),
  ]);

function batch(n: number) {
  const x = tf.tensor4d(
    Float32Array.from(data.train.images.slice(0, n * 784), (v) => v / 255),
    [n, 28, 28, 1],
  );
  const y = tf.oneHot(tf.tensor1d(Array.from(data.train.labels.slice(0, n)), "int32"), 10);
  return { x, y };
}

/** Loss and gradients by weight name (`a/kernel`…), read out as arrays. */
function modelGrads(model: tf.LayersModel, n: number) {
  const { x, y } = batch(n);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const g = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    vars,
  );
  const out = {
    loss: g.value.dataSync()[0],
    grads: Object.fromEntries(
      model.trainableWeights.map((w, i) => [w.originalName, Array.from(g.grads[vars[i].name].dataSync())]),
    ),
  };
  tf.dispose([x, y, g.value, ...Object.values(g.grads)]);
  return out;
}

const maxAbs = (a: number[]) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe("graph models in TensorFlow.js", () => {
  it("on cpu, buildModel's graph computes the same loss and gradients as the network written with tf ops", async () => {
    await tf.setBackend("cpu");
    const nm = parse(allMerges());
    const { model, fused } = await buildModel(nm, 7);
    expect(fused).toEqual([]);
    expect(model.layers.map((l) => l.getClassName())).toContain("Subtract");
    const got = modelGrads(model, 16);
    const w = Object.fromEntries(model.trainableWeights.map((v) => [v.originalName, v.read().clone()]));
    const { x, y } = batch(16);
    const names = ["a/kernel", "a/bias", "b/kernel", "b/bias", "out/kernel", "out/bias"];
    const f = (...ws: tf.Tensor[]) => {
      const [ak, ab, bk, bb, ok, ob] = ws;
      const a = tf.relu(tf.add(tf.conv2d(x, ak as tf.Tensor4D, 1, "same"), ab));
      const b = tf.add(tf.conv2d(x, bk as tf.Tensor4D, 1, "same"), bb);
      const merged = [
        tf.add(a, b),
        tf.sub(a, b),
        tf.mul(a, b),
        tf.mul(tf.add(a, b), 0.5),
        tf.maximum(a, b),
        tf.minimum(a, b),
      ];
      const pooled = tf.avgPool(tf.concat(merged, -1) as tf.Tensor4D, 4, 4, "valid");
      const logits = tf.add(tf.matMul(tf.reshape(pooled, [16, 7 * 7 * 18]), ok as tf.Tensor2D), ob);
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    };
    const ref = tf.valueAndGrads(f)(names.map((n) => w[n]));
    expect(got.loss).toBeCloseTo(ref.value.dataSync()[0], 6);
    names.forEach((n, i) => {
      const r = Array.from(ref.grads[i].dataSync());
      expect(got.grads[n].length).toBe(r.length);
      expect(maxDiff(got.grads[n], r), n).toBeLessThan(1e-6);
      expect(maxAbs(r), `${n} has a gradient`).toBeGreaterThan(0);
    });
    tf.dispose([x, y, ref.value, ...ref.grads, ...Object.values(w)]);
    model.dispose();
    await tf.setBackend(backend);
  });

  it("Concatenate along axis -2 joins rows, as in Keras (tfjs's own concatenate() would join the last axis)", async () => {
    const nm = parse(
      mergeModel(
        "keras2",
        "Concatenate",
        [
          [2, 3],
          [2, 3],
        ],
        { axis: -2 },
      ),
    );
    expect(nm.layers.find((l) => l.name === "merge")!.outputShape).toEqual([4, 3]);
    const { model } = await buildModel(nm, 3);
    const { x } = batch(4);
    const flat = tf.reshape(x, [4, 784]);
    const w = (name: string) => model.getLayer(name).getWeights();
    const branch = (i: number) => {
      const [k, b] = w(`dense_${i}`);
      return tf.reshape(tf.relu(tf.add(tf.matMul(flat, k), b)), [4, 2, 3]);
    };
    const [k, b] = w("out");
    const expected = tf.add(tf.matMul(tf.reshape(tf.concat([branch(0), branch(1)], 1), [4, 12]), k), b);
    const got = model.predict(flat) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, flat, expected, got]);
    model.dispose();
  });

  it("on the training backend, a residual and an inception block's gradients equal the unfused cpu build's", async () => {
    for (const name of ["keras3-residual.json", "tfkeras2-inception.json"]) {
      const nm = parse(fixture(name));
      await tf.setBackend(backend);
      const { model: trained, fused } = await buildModel(nm, 11);
      expect(fused).toEqual([]);
      const onBackend = modelGrads(trained, 12);
      trained.dispose();
      await tf.setBackend("cpu");
      // Same seed → same initial weights, without copying them over.
      const { model: plain } = await buildModel(nm, 11, { fuse: false });
      const onCpu = modelGrads(plain, 12);
      plain.dispose();
      await tf.setBackend(backend);
      expect(Object.keys(onBackend.grads)).toEqual(Object.keys(onCpu.grads));
      expect(onBackend.loss).toBeCloseTo(onCpu.loss, 4);
      for (const [w, g] of Object.entries(onCpu.grads))
        expect(maxDiff(onBackend.grads[w], g), `${name} ${w}`).toBeLessThanOrEqual(1e-4 * maxAbs(g) + 1e-7);
    }
  });

  it("trains a residual model on the committed subset (2 threads), saves it as a tfjs graph, exports ONNX and refuses Keras by name", async () => {
    const small = {
      ...data,
      train: { images: data.train.images.slice(0, 640 * 784), labels: data.train.labels.slice(0, 640), count: 640 },
    };
    const r = await runTraining({
      architecture: fixture("keras3-residual.json"),
      training: { batchSize: 32, maxEpochs: 1, earlyStopping: null, validationSplit: 0, learningRate: 0.002 },
      data: small,
      threads: 2,
    });
    expect(r.threads).toBe(2);
    expect(r.notes.join(" ")).toMatch(/data-parallel on 2 threads/);
    expect(r.paramCount).toBe(33_850);
    expect(r.history[0].loss).toBeLessThan(Math.log(10)); // below chance after 20 batches
    expect(r.testAccuracy).toBeGreaterThan(0.3);
    expect((r.model.modelJson.modelTopology as { class_name: string }).class_name).toMatch(/^(Model|Functional)$/);
    expect(r.model.metadata.architecture.class_name).toBe("Functional");
    // The saved graph loads in stock tfjs and predicts what training scored.
    const loaded = await loadModel(r.model);
    const p = await predictProbabilities(loaded, data.test.images, data.test.count);
    loaded.dispose();
    let agree = 0;
    for (let i = 0; i < data.test.count; i++) {
      const row = Array.from(p.subarray(i * 10, i * 10 + 10));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      if (row.indexOf(Math.max(...row)) === r.predictions[i]) agree++;
    }
    expect(agree).toBe(data.test.count);
    // ONNX writes graphs (onnx-export.test.ts runs them in onnxruntime); the Keras writer refuses.
    expect((await exportOnnx(r.model)).byteLength).toBeGreaterThan(4 * 33_850);
    await expect(exportKeras(r.model)).rejects.toThrow(
      "can't export to Keras: layer 'add' (Add) is not supported: graph models (branches and merges) can't be exported to Keras yet",
    );
  }, 60_000);

  it("a graph ending in a Softmax layer, and one ending in logits, train and save with softmax outputs", async () => {
    const json = (last: "Softmax" | "linear") =>
      graphJson("keras2", [
        input("in", [784]),
        layer("Dense", "a", ["in"], { units: 16, activation: "relu" }),
        layer("Dense", "b", ["in"], { units: 16, activation: "tanh" }),
        layer("Concatenate", "cat", ["a", "b"]),
        layer("Dense", "logits", ["cat"], { units: 10 }),
        ...(last === "Softmax" ? [layer("Softmax", "probs", ["logits"])] : []),
      ]);
    for (const last of ["Softmax", "linear"] as const) {
      const r = await runTraining({
        architecture: json(last),
        training: { batchSize: 64, maxEpochs: 1, earlyStopping: null, validationSplit: 0 },
        data,
        threads: 1,
      });
      expect(r.testAccuracy).toBeGreaterThan(0.3);
      const loaded = await loadModel(r.model);
      expect(loaded.outputs[0].shape).toEqual([null, 10]);
      const p = await predictProbabilities(loaded, data.test.images, 4);
      loaded.dispose();
      for (let i = 0; i < 4; i++) expect(p.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
  }, 60_000);
});
