import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type FashionMnist,
  getPreset,
  keras,
  loadFashionMnist,
  publicPrivateSplit,
  runTraining,
  selectBackend,
  sequential,
  TrainerError,
} from "..";

let data: FashionMnist;
let small: FashionMnist;
beforeAll(async () => {
  data = await loadFashionMnist({ subset: "fixture" });
  // A smaller slice keeps the CNN test to a couple of seconds.
  small = {
    ...data,
    train: { images: data.train.images.slice(0, 600 * 784), labels: data.train.labels.slice(0, 600), count: 600 },
  };
  await selectBackend();
});

const mlp = () => getPreset("report-mlp")!;

describe("runTraining", () => {
  it("trains the report MLP on the fixture and scores the test set fully", async () => {
    const epochs: number[] = [];
    const r = await runTraining({
      architecture: mlp().architecture,
      training: { ...mlp().training, maxEpochs: 3 },
      data,
      onEpoch: (m) => void epochs.push(m.epoch),
    });
    expect(r.backend).toBe("wasm");
    expect(epochs).toEqual([1, 2, 3]);
    expect(r.paramCount).toBe(109_386);
    expect(r.trainSamples + r.valSamples).toBe(2000);
    expect(r.valSamples).toBe(200);
    expect(r.testAccuracy).toBeGreaterThan(0.65);
    const h = r.history[2];
    for (const k of ["loss", "accuracy", "valLoss", "valAccuracy", "samplesPerSec", "etaMs"] as const)
      expect(Number.isFinite(h[k])).toBe(true);
    expect(r.history[2].loss).toBeLessThan(r.history[0].loss);
    expect(r.predictions).toHaveLength(1000);
    // Confusion matrix rows are the true labels.
    const rowSums = r.confusionMatrix.map((row) => row.reduce((a, b) => a + b, 0));
    const counts = new Array(10).fill(0);
    for (const l of data.test.labels) counts[l]++;
    expect(rowSums).toEqual(counts);
    const diag = r.confusionMatrix.reduce((a, row, i) => a + row[i], 0);
    expect(diag / 1000).toBeCloseTo(r.testAccuracy, 10);
    let agree = 0;
    r.predictions.forEach((p, i) => {
      agree += p === data.test.labels[i] ? 1 : 0;
    });
    expect(agree / 1000).toBeCloseTo(r.testAccuracy, 10);
    expect((r.publicAccuracy + r.privateAccuracy) / 2).toBeCloseTo(r.testAccuracy, 10);
    expect(r.perClass).toHaveLength(10);
    for (const c of r.perClass) {
      expect(c.f1).toBeGreaterThanOrEqual(0);
      expect(c.f1).toBeLessThanOrEqual(1);
    }
    expect(r.testLoss).toBeGreaterThan(0);
  });

  it("is reproducible for a fixed seed and differs for another", async () => {
    const run = (seed: number) =>
      runTraining({
        architecture: mlp().architecture,
        training: { batchSize: 64, maxEpochs: 1, seed, earlyStopping: null },
        data,
      });
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(a.history[0].loss).toBe(b.history[0].loss);
    expect([...a.predictions]).toEqual([...b.predictions]);
    expect(c.history[0].loss).not.toBe(a.history[0].loss);
  });

  it("keeps the tensor count flat across epochs and releases everything at the end", async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await runTraining({
      architecture: getPreset("report-cnn")!.architecture,
      training: { batchSize: 32, maxEpochs: 3, earlyStopping: { monitor: "val_accuracy", patience: 10 } },
      data: small,
      onEpoch: () => void counts.push(tf.memory().numTensors),
    });
    expect(counts).toHaveLength(3);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("trains the report CNN (conv gradients on wasm) to better than chance quickly", async () => {
    const r = await runTraining({
      architecture: getPreset("report-cnn")!.architecture,
      training: { maxEpochs: 2, earlyStopping: null },
      data: small,
    });
    expect(r.testAccuracy).toBeGreaterThan(0.5);
    expect(r.paramCount).toBe(106_202);
  });

  it("stops early on a plateau and restores the best epoch", async () => {
    const r = await runTraining({
      architecture: mlp().architecture,
      // minDelta no run can meet: only the first epoch counts as an improvement.
      training: {
        maxEpochs: 10,
        earlyStopping: { monitor: "val_loss", patience: 2, minDelta: 100, restoreBestWeights: true },
      },
      data,
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.epochs).toBe(3);
    expect(r.bestEpoch).toBe(1);
    expect(r.stopReason).toMatch(/val_loss did not improve for 2 epochs/);
    expect(r.notes.join(" ")).toMatch(/Restored the weights of epoch 1/);
  });

  it("cancels between batches with an AbortSignal", async () => {
    const ac = new AbortController();
    const before = tf.memory().numTensors;
    const p = runTraining({
      architecture: mlp().architecture,
      training: { maxEpochs: 5, earlyStopping: null },
      data,
      signal: ac.signal,
      onEpoch: () => ac.abort(),
    });
    await expect(p).rejects.toMatchObject({ code: "CANCELLED", message: expect.stringMatching(/epoch 2 \(batch 1\//) });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("stops a diverging run with DIVERGED and a reason", async () => {
    const arch = sequential([keras.dense(256, "linear"), keras.dense(256, "linear"), keras.dense(10, "softmax")], {
      inputShape: [784],
    });
    const p = runTraining({
      architecture: arch,
      training: { optimizer: "sgd", learningRate: 10, maxEpochs: 3, earlyStopping: null },
      data,
    });
    await expect(p).rejects.toMatchObject({
      code: "DIVERGED",
      message: expect.stringMatching(/loss became (NaN|Infinity).*lower learning rate/),
    });
  });

  it("adds the weight penalties (kernel_regularizer) to the training loss, on 1 and 2 threads and in the fused conv layer", async () => {
    const penalised = (id: string, layer: number) => {
      const a = structuredClone(getPreset(id)!.architecture);
      (a.config.layers[layer].config as Record<string, unknown>).kernel_regularizer = {
        class_name: "L2",
        config: { l2: 0.5 },
      };
      return a;
    };
    const training = {
      optimizer: "sgd",
      learningRate: 0.01,
      batchSize: 32,
      maxEpochs: 1,
      earlyStopping: null,
      seed: 5,
    };
    const plain = await runTraining({ architecture: mlp().architecture, training, data, threads: 1 });
    const l2 = await runTraining({ architecture: penalised("report-mlp", 1), training, data, threads: 1 });
    // 0.5·ΣW² of a Glorot-initialised 784×128 kernel is ~100: the loss is dominated by it.
    expect(l2.history[0].loss).toBeGreaterThan(plain.history[0].loss + 10);
    const l2Parallel = await runTraining({ architecture: penalised("report-mlp", 1), training, data, threads: 2 });
    expect(l2Parallel.history[0].loss).toBeCloseTo(l2.history[0].loss, 2);
    // The first conv runs fused on wasm; its penalty must still count.
    const cnnPlain = await runTraining({
      architecture: getPreset("report-cnn")!.architecture,
      training,
      data: small,
      threads: 1,
    });
    const cnnL2 = await runTraining({ architecture: penalised("report-cnn", 0), training, data: small, threads: 1 });
    expect(cnnL2.notes.join(" ")).toMatch(/fused layer/);
    expect(cnnL2.history[0].loss).toBeGreaterThan(cnnPlain.history[0].loss + 0.05);
  });

  it("rejects bad input with typed errors before touching the backend", async () => {
    const bad = structuredClone(getPreset("report-cnn")!.architecture);
    bad.config.layers[6].config.units = 7;
    const e1 = await runTraining({ architecture: bad, data }).catch((e) => e);
    expect(e1).toBeInstanceOf(TrainerError);
    expect(e1).toMatchObject({
      code: "INVALID_ARCHITECTURE",
      message: expect.stringMatching(/^layer 6 'dense_1', field 'units'/),
    });
    expect(e1.retryable).toBe(false);
    const e2 = await runTraining({ architecture: mlp().architecture, training: { optimizer: "lbfgs" }, data }).catch(
      (e) => e,
    );
    expect(e2).toMatchObject({ code: "INVALID_CONFIG", message: expect.stringMatching(/optimizer/) });
  });
});

describe("buildModel", () => {
  it("moves activations after max-pooling without changing the function", async () => {
    const { parseArchitecture } = await import("../arch");
    const { buildModel } = await import("../train/model");
    const r = parseArchitecture(getPreset("report-cnn")!.architecture);
    if (!r.ok) throw new Error("preset");
    const { model: fast } = await buildModel(r.model, 3, { fuse: false });
    const names = fast.layers.map((l) => l.getClassName());
    expect(names).toEqual([
      "Conv2D",
      "MaxPooling2D",
      "Activation",
      "Conv2D",
      "MaxPooling2D",
      "Activation",
      "Flatten",
      "Dense",
      "Dense",
    ]);
    const plainJson = structuredClone(r.model.keras);
    plainJson.config.layers[6].config.activation = "linear";
    const plain = await tf.models.modelFromJSON({ modelTopology: plainJson } as unknown as tf.io.ModelJSON);
    plain.setWeights(fast.getWeights());
    const x = tf.tensor(
      Float32Array.from(data.test.images.slice(0, 64 * 784), (v) => v / 255),
      [64, 28, 28, 1],
    );
    const diff = tf.tidy(
      () => tf.max(tf.abs(tf.sub(fast.predict(x) as tf.Tensor, plain.predict(x) as tf.Tensor))).dataSync()[0],
    );
    expect(diff).toBeLessThan(1e-4);
    tf.dispose([x]);
    fast.dispose();
    plain.dispose();
  });

  it("fuses the first Conv2D with its max-pool on wasm: same weights, outputs and gradients", async () => {
    const { parseArchitecture } = await import("../arch");
    const { buildModel } = await import("../train/model");
    for (const id of ["report-cnn", "catwalk-cnn"]) {
      const r = parseArchitecture(getPreset(id)!.architecture);
      if (!r.ok) throw new Error("preset");
      const { model: fused } = await buildModel(r.model, 4);
      const { model: plain } = await buildModel(r.model, 4, { fuse: false });
      expect(fused.layers[0].getClassName()).toBe("CatwalkConv2DMaxPool");
      // conv + pool + the ReLU moved after the pool are one layer.
      expect(fused.layers.length).toBe(plain.layers.length - 2);
      expect(fused.countParams()).toBe(plain.countParams());
      // Same seeds → same initial weights, without copying them over.
      const wf = fused.getWeights();
      const wp = plain.getWeights();
      expect(wf.map((w) => w.shape)).toEqual(wp.map((w) => w.shape));
      for (const [i, w] of wf.entries()) expect(tf.max(tf.abs(tf.sub(w, wp[i]))).dataSync()[0]).toBe(0);
      const x = tf.tensor(
        Float32Array.from(data.test.images.slice(0, 16 * 784), (v) => v / 255),
        [16, 28, 28, 1],
      );
      const y = tf.oneHot(tf.tensor1d(Array.from(data.test.labels.slice(0, 16)), "int32"), 10);
      const grads = (m: tf.LayersModel) =>
        tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(y, m.apply(x, { training: false }) as tf.Tensor) as tf.Scalar,
          m.trainableWeights.map((w) => w.read() as tf.Variable),
        );
      const gf = grads(fused);
      const gp = grads(plain);
      expect(gf.value.dataSync()[0]).toBeCloseTo(gp.value.dataSync()[0], 6);
      const a = Object.values(gf.grads);
      const b = Object.values(gp.grads);
      // The fused layer's conv is our SIMD kernel (fused multiply-adds), the plain one's XNNPACK's:
      // outputs agree to float rounding, which can flip a near-tie in a pool window and send one
      // gradient element to the neighbouring tap (seen: 3e-4 of the largest gradient). Wrongly
      // routed gradients are of the order of the gradient itself.
      for (const [i, g] of a.entries()) {
        const scale = tf.max(tf.abs(b[i])).dataSync()[0];
        expect(tf.max(tf.abs(tf.sub(g, b[i]))).dataSync()[0]).toBeLessThan(2e-3 * scale + 1e-7);
      }
      tf.dispose([x, y, gf.value, gp.value, ...a, ...b]);
      fused.dispose();
      plain.dispose();
    }
  });
});

describe("public/private split", () => {
  it("halves the test set deterministically and disjointly", () => {
    const a = publicPrivateSplit();
    const b = publicPrivateSplit();
    expect(a.public).toHaveLength(5000);
    expect(a.private).toHaveLength(5000);
    expect([...a.public]).toEqual([...b.public]);
    const all = new Set([...a.public, ...a.private]);
    expect(all.size).toBe(10_000);
    // Pinned: changing the split would silently reshuffle every leaderboard.
    expect([...a.public.slice(0, 5)]).toMatchInlineSnapshot(`
      [
        0,
        2,
        3,
        4,
        9,
      ]
    `);
  });
});
