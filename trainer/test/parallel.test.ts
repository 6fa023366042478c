import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type FashionMnist, getPreset, keras, loadFashionMnist, runTraining, selectBackend, sequential } from "..";
import { trainingThreads } from "../train/run";

let data: FashionMnist;
beforeAll(async () => {
  data = await loadFashionMnist({ subset: "fixture" });
  await selectBackend();
});

const activeWorkers = () => process.getActiveResourcesInfo().filter((r) => r === "Worker").length;

describe("data-parallel training", () => {
  it("computes the same step on 2 threads as on 1 (the summed gradient is the whole batch’s)", async () => {
    // One step of batch 64 from the same initial weights, no dropout, plain SGD: the only
    // difference left is float summation order, so the test loss must agree very closely.
    const cnn = getPreset("report-cnn")!;
    const oneBatch: FashionMnist = {
      ...data,
      train: { images: data.train.images.slice(0, 64 * 784), labels: data.train.labels.slice(0, 64), count: 64 },
    };
    const run = (threads: number) =>
      runTraining({
        architecture: cnn.architecture,
        training: {
          optimizer: "sgd",
          learningRate: 0.5,
          batchSize: 64,
          maxEpochs: 1,
          validationSplit: 0,
          earlyStopping: null,
          seed: 3,
        },
        data: oneBatch,
        threads,
      });
    const one = await run(1);
    const two = await run(2);
    const untrained = await runTraining({
      architecture: cnn.architecture,
      training: {
        optimizer: "sgd",
        learningRate: 1e-9,
        batchSize: 64,
        maxEpochs: 1,
        validationSplit: 0,
        earlyStopping: null,
        seed: 3,
      },
      data: oneBatch,
      threads: 1,
    });
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.notes.join(" ")).toMatch(/data-parallel on 2 threads/);
    expect(two.history[0].loss).toBeCloseTo(one.history[0].loss, 6);
    // The step moved the model (so the comparison below is not trivially equal)...
    expect(Math.abs(one.testLoss - untrained.testLoss)).toBeGreaterThan(0.01);
    // ...and both moved it to the same place.
    expect(two.testLoss).toBeCloseTo(one.testLoss, 5);
    expect(activeWorkers()).toBe(0);
  });

  it("applies Adam and AdamW on 2 threads as on 1", async () => {
    // Two steps of batch 32 (so the bias corrections move on) with a large rate and AdamW's
    // decay, through the fused Adam kernel in every thread.
    const cnn = getPreset("report-cnn")!;
    const twoBatches: FashionMnist = {
      ...data,
      train: { images: data.train.images.slice(0, 64 * 784), labels: data.train.labels.slice(0, 64), count: 64 },
    };
    for (const optimizer of ["adam", "adamw"] as const) {
      const run = (threads: number) =>
        runTraining({
          architecture: cnn.architecture,
          training: {
            optimizer,
            learningRate: 0.01,
            weightDecay: 0.05,
            batchSize: 32,
            maxEpochs: 1,
            validationSplit: 0,
            earlyStopping: null,
            seed: 3,
          },
          data: twoBatches,
          threads,
        });
      const one = await run(1);
      const two = await run(2);
      expect(two.threads).toBe(2);
      expect(two.history[0].loss).toBeCloseTo(one.history[0].loss, 5);
      expect(two.testLoss).toBeCloseTo(one.testLoss, 4);
      expect(Math.abs(one.testLoss - 2.3)).toBeGreaterThan(0.05);
    }
    expect(activeWorkers()).toBe(0);
  });

  it("tracks the single-threaded run over whole epochs", async () => {
    const cnn = getPreset("report-cnn")!;
    const run = (threads: number) =>
      runTraining({
        architecture: cnn.architecture,
        training: { optimizer: "sgd", learningRate: 0.05, batchSize: 32, maxEpochs: 2, earlyStopping: null, seed: 3 },
        data,
        threads,
      });
    const one = await run(1);
    const two = await run(2);
    for (let e = 0; e < 2; e++) {
      // Summation-order differences compound over 112 steps, but stay far below any real bug
      // (a mis-weighted shard changes epoch losses by tenths).
      expect(two.history[e].loss).toBeCloseTo(one.history[e].loss, 2);
      expect(two.history[e].valLoss!).toBeCloseTo(one.history[e].valLoss!, 2);
    }
    expect(Math.abs(two.testAccuracy - one.testAccuracy)).toBeLessThan(0.01);
    expect(two.history[1].loss).toBeLessThan(two.history[0].loss);
  });

  it("is reproducible on 2 threads with Adam, an odd last batch and uneven shards", async () => {
    const mlp = getPreset("report-mlp")!;
    // 1800 training images / batch 50 → shards of 25; batch 37 leaves a last batch of 24.
    const run = () =>
      runTraining({
        architecture: mlp.architecture,
        training: { ...mlp.training, batchSize: 37, maxEpochs: 2, earlyStopping: null, seed: 11 },
        data,
        threads: 2,
      });
    const a = await run();
    const b = await run();
    expect(a.history.map((h) => h.loss)).toEqual(b.history.map((h) => h.loss));
    expect([...a.predictions]).toEqual([...b.predictions]);
    expect(a.testAccuracy).toBeGreaterThan(0.6);
  });

  it("keeps the main thread’s tensor count flat and releases the replicas", async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await runTraining({
      architecture: getPreset("report-mlp")!.architecture,
      training: { batchSize: 32, maxEpochs: 3, earlyStopping: null },
      data,
      threads: 2,
      onEpoch: () => void counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(activeWorkers()).toBe(0);
  });

  it("cancels and reports divergence with the replicas running, and stops them", async () => {
    const ac = new AbortController();
    const p = runTraining({
      architecture: getPreset("report-mlp")!.architecture,
      training: { maxEpochs: 5, earlyStopping: null },
      data,
      threads: 2,
      signal: ac.signal,
      onEpoch: () => ac.abort(),
    });
    await expect(p).rejects.toMatchObject({ code: "CANCELLED" });
    expect(activeWorkers()).toBe(0);
    const arch = sequential([keras.dense(256, "linear"), keras.dense(256, "linear"), keras.dense(10, "softmax")], {
      inputShape: [784],
    });
    const d = runTraining({
      architecture: arch,
      training: { optimizer: "sgd", learningRate: 10, maxEpochs: 3, earlyStopping: null },
      data,
      threads: 2,
    });
    await expect(d).rejects.toMatchObject({ code: "DIVERGED" });
    expect(activeWorkers()).toBe(0);
  });

  it("chooses threads: one per core for full-size convnet runs on wasm/cpu, 1 where splitting does not pay", () => {
    const cores = availableParallelism();
    const cnn = {
      backend: "wasm" as const,
      batchSize: 32,
      trainSamples: 54_000,
      flopsPerSample: 2_263_616,
      params: 106_202,
    };
    const mlp = { ...cnn, flopsPerSample: 218_368, params: 109_386 };
    expect(trainingThreads(cnn)).toBe(Math.min(cores, 4));
    expect(trainingThreads(mlp)).toBe(1); // per-step sync and repeated updates outweigh the split
    expect(trainingThreads({ ...cnn, trainSamples: 1_800 })).toBe(1); // thread start-up would outweigh the run
    expect(trainingThreads({ ...cnn, trainSamples: 1_800 }, 2)).toBe(2);
    expect(trainingThreads(mlp, 2)).toBe(2);
    expect(trainingThreads({ ...cnn, batchSize: 12 }, 4)).toBe(1); // shards under 8 samples
    expect(trainingThreads({ ...cnn, backend: "cpu", batchSize: 64 }, 16)).toBe(8);
    expect(trainingThreads({ ...cnn, backend: "tensorflow" }, 4)).toBe(1);
    expect(trainingThreads(mlp, undefined, { CATWALK_TRAIN_THREADS: "3" })).toBe(3);
  });
});

describe("data-parallel training of graph models", () => {
  it.each(["keras3-dense-residual-subtract.json", "keras3-residual.json"])(
    "computes the same step on 2 threads as on 1 for %s",
    async (file) => {
      const architecture = readFileSync(new URL(`./keras/${file}`, import.meta.url), "utf8");
      const oneBatch: FashionMnist = {
        ...data,
        train: { images: data.train.images.slice(0, 64 * 784), labels: data.train.labels.slice(0, 64), count: 64 },
      };
      const run = (threads: number, learningRate = 0.5) =>
        runTraining({
          architecture,
          training: {
            optimizer: "sgd",
            learningRate,
            batchSize: 64,
            maxEpochs: 1,
            validationSplit: 0,
            earlyStopping: null,
            seed: 5,
          },
          data: oneBatch,
          threads,
        });
      const one = await run(1);
      const two = await run(2);
      const untrained = await run(1, 1e-9);
      expect(two.threads).toBe(2);
      expect(two.notes.join(" ")).toMatch(/data-parallel on 2 threads/);
      // The shards' losses are summed in another order: a float32 ulp or two of ~2.3.
      expect(two.history[0].loss).toBeCloseTo(one.history[0].loss, 5);
      expect(Math.abs(one.testLoss - untrained.testLoss)).toBeGreaterThan(0.01);
      expect(two.testLoss).toBeCloseTo(one.testLoss, 5);
      expect(activeWorkers()).toBe(0);
    },
  );
});
