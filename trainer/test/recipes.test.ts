// The training recipes (training config: augmentation, learning-rate schedules, ReduceLROnPlateau,
// AdamW, label smoothing, seeded noise): their arithmetic against the published formulas, and
// runs on the committed subset that are reproducible with them on, resumed or not.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type FashionMnist, keras, loadFashionMnist, parseTrainingConfig, runTraining, sequential } from "..";
import type { Augmentation } from "../arch/training";
import { augmentImages } from "../train/augment";
import { decodeCheckpoint } from "../train/checkpoint-format";
import { initialPlateau, plateauStep, scheduledRate } from "../train/schedule";
import { applyWeightDecay, trainingLoss } from "../train/step";

let small: FashionMnist;
beforeAll(async () => {
  await tf.setBackend("cpu");
  const data = await loadFashionMnist({ subset: "fixture" });
  small = {
    ...data,
    train: { images: data.train.images.slice(0, 600 * 784), labels: data.train.labels.slice(0, 600), count: 600 },
  };
});

const mlp = sequential([keras.dense(16, "relu"), keras.dropout(0.3), keras.dense(10, "softmax")], {
  inputShape: [784],
});
const base = { optimizer: "adam", batchSize: 32, maxEpochs: 3, earlyStopping: null, seed: 5 };

describe("learning-rate schedules", () => {
  const steps = { stepsPerEpoch: 10, totalSteps: 100 };

  it("step decay: × factor every `every` epochs (Keras ExponentialDecay, staircase)", () => {
    const s = { type: "step" as const, every: 3, factor: 0.5 };
    expect(scheduledRate(s, 0.1, 0, steps)).toBe(0.1);
    expect(scheduledRate(s, 0.1, 29, steps)).toBe(0.1);
    expect(scheduledRate(s, 0.1, 30, steps)).toBe(0.05);
    expect(scheduledRate(s, 0.1, 65, steps)).toBeCloseTo(0.025, 15);
  });

  it("cosine decay with warmup: linear to the rate, then Keras CosineDecay down to alpha × rate", () => {
    const s = { type: "cosine" as const, warmupEpochs: 2, alpha: 0.1 };
    expect(scheduledRate(s, 1, 0, steps)).toBeCloseTo(1 / 20, 15);
    expect(scheduledRate(s, 1, 19, steps)).toBe(1);
    expect(scheduledRate(s, 1, 20, steps)).toBe(1); // decay starts at the peak
    // Halfway through the 80 decay steps: cos(π/2) = 0 → (1 − α)·0.5 + α.
    expect(scheduledRate(s, 1, 60, steps)).toBeCloseTo(0.9 * 0.5 + 0.1, 12);
    expect(scheduledRate(s, 1, 100, steps)).toBeCloseTo(0.1, 12);
    const none = { type: "cosine" as const, warmupEpochs: 0, alpha: 0 };
    expect(scheduledRate(none, 2, 0, steps)).toBe(2);
    expect(scheduledRate(none, 2, 25, steps)).toBeCloseTo(2 * 0.5 * (1 + Math.cos(Math.PI / 4)), 12);
  });

  it("one cycle: PyTorch OneCycleLR's cosine phases (rate/25 → rate at 30 %, → rate/25/1e4 at the end)", () => {
    const s = { type: "oneCycle" as const, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4 };
    // PyTorch: phase ends at pct_start·total − 1 = 29 and total − 1 = 99.
    expect(scheduledRate(s, 0.1, 0, steps)).toBeCloseTo(0.1 / 25, 15);
    expect(scheduledRate(s, 0.1, 29, steps)).toBeCloseTo(0.1, 15);
    expect(scheduledRate(s, 0.1, 99, steps)).toBeCloseTo(0.1 / 25 / 1e4, 15);
    // A value PyTorch prints for OneCycleLR(max_lr=0.1, total_steps=100) at step 14:
    // initial + (max − initial)/2 · (1 − cos(π·14/29)).
    const at14 = 0.1 / 25 + ((0.1 - 0.1 / 25) / 2) * (1 - Math.cos((Math.PI * 14) / 29));
    expect(scheduledRate(s, 0.1, 14, steps)).toBeCloseTo(at14, 15);
    const rates = Array.from({ length: 100 }, (_, i) => scheduledRate(s, 0.1, i, steps));
    for (let i = 1; i < 30; i++) expect(rates[i]).toBeGreaterThan(rates[i - 1]);
    for (let i = 30; i < 100; i++) expect(rates[i]).toBeLessThan(rates[i - 1]);
  });

  it("ReduceLROnPlateau as Keras's callback: patience, min_delta, cooldown and min_lr", () => {
    const p = { monitor: "val_loss" as const, factor: 0.5, patience: 2, minDelta: 0.01, cooldown: 1, minLr: 0.02 };
    let state = initialPlateau(0.1);
    const rates: number[] = [];
    // 1.0 improves; 0.995 is within min_delta (no improvement); …
    for (const [epoch, v] of [1, 0.995, 0.999, 0.998, 0.997, 0.996, 0.995, 0.994].entries()) {
      const r = plateauStep(p, state, v, epoch + 1);
      state = r.state;
      rates.push(state.learningRate);
    }
    // Epoch 3 ends 2 epochs without improvement → 0.05 and 1 cooldown epoch, which epoch 4 spends
    // (Keras decrements the cooldown, then counts epoch 4 as a wait); epoch 5 is the second → 0.025;
    // epoch 7 → 0.0125, held at min_lr 0.02.
    expect(rates).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02]);
    const max = plateauStep({ ...p, monitor: "val_accuracy", minDelta: 0 }, initialPlateau(1), 0.5, 1).state;
    expect(plateauStep({ ...p, monitor: "val_accuracy", minDelta: 0 }, max, 0.6, 2).state.wait).toBe(0);
  });

  it("the config refuses a schedule together with ReduceLROnPlateau, by name", () => {
    const r = parseTrainingConfig({ lrSchedule: { type: "cosine" }, reduceLrOnPlateau: {} });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors[0]).toMatchObject({ field: "reduceLrOnPlateau", message: expect.stringMatching(/not both/) });
    const bad = parseTrainingConfig({ augmentation: { randomErasing: { scale: [0.5, 0.1] } } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]!.field).toBe("augmentation.randomErasing.scale");
  });
});

describe("augmentation", () => {
  const aug = (a: Partial<Augmentation>): Augmentation => ({
    randomTranslation: 0,
    randomFlip: "none",
    randomErasing: null,
    ...a,
  });
  /** n images, image i a single lit pixel at (10 + i % 5, 12). */
  const dots = (n: number) => {
    const xs = new Float32Array(n * 784);
    for (let i = 0; i < n; i++) xs[i * 784 + 12 * 28 + 10 + (i % 5)] = 1;
    return xs;
  };
  const lit = (img: Float32Array) => [...img.keys()].filter((p) => img[p] > 0).map((p) => [p % 28, Math.floor(p / 28)]);

  it("shifts each image by at most ±k pixels, zero-filled, and uses every offset", () => {
    const n = 200;
    const xs = dots(n);
    augmentImages(xs, n, aug({ randomTranslation: 2 }), { seed: 1, epoch: 1, firstPosition: 0 });
    const offsets = new Set<string>();
    for (let i = 0; i < n; i++) {
      const px = lit(xs.subarray(i * 784, (i + 1) * 784));
      expect(px).toHaveLength(1);
      const [x, y] = px[0]!;
      const dx = x! - (10 + (i % 5));
      const dy = y! - 12;
      expect(Math.abs(dx)).toBeLessThanOrEqual(2);
      expect(Math.abs(dy)).toBeLessThanOrEqual(2);
      offsets.add(`${dx},${dy}`);
    }
    expect(offsets.size).toBe(25);
  });

  it("flips about half the images left–right", () => {
    const n = 400;
    const xs = dots(n);
    augmentImages(xs, n, aug({ randomFlip: "horizontal" }), { seed: 2, epoch: 1, firstPosition: 0 });
    let flipped = 0;
    for (let i = 0; i < n; i++) {
      const [[x]] = lit(xs.subarray(i * 784, (i + 1) * 784)) as [[number, number]];
      const original = 10 + (i % 5);
      expect([original, 27 - original]).toContain(x);
      if (x === 27 - original) flipped++;
    }
    expect(flipped / n).toBeGreaterThan(0.4);
    expect(flipped / n).toBeLessThan(0.6);
  });

  it("erases one rectangle of 2–33 % of the area with probability factor", () => {
    const n = 400;
    const xs = new Float32Array(n * 784).fill(1);
    augmentImages(xs, n, aug({ randomErasing: { factor: 0.5, scale: [0.02, 0.33], fillValue: 0 } }), {
      seed: 3,
      epoch: 1,
      firstPosition: 0,
    });
    let erased = 0;
    for (let i = 0; i < n; i++) {
      const zeros = xs.subarray(i * 784, (i + 1) * 784).filter((v) => v === 0).length;
      if (zeros === 0) continue;
      erased++;
      // Rounding the sides moves the area a little past the drawn fraction.
      expect(zeros / 784).toBeGreaterThan(0.01);
      expect(zeros / 784).toBeLessThan(0.4);
    }
    expect(erased / n).toBeGreaterThan(0.4);
    expect(erased / n).toBeLessThan(0.6);
  });

  it("is a function of (seed, epoch, position): shards augment as the whole batch, epochs differ", () => {
    const a = aug({
      randomTranslation: 3,
      randomFlip: "horizontal",
      randomErasing: { factor: 0.5, scale: [0.02, 0.2], fillValue: 0 },
    });
    const n = 64;
    const src = new Float32Array(n * 784).map((_, i) => (i * 7919) % 255).map((v) => v / 255);
    const whole = src.slice();
    augmentImages(whole, n, a, { seed: 9, epoch: 4, firstPosition: 100 });
    // As two replicas do it: each its own slice, keyed by its positions in the epoch's order.
    const left = src.slice(0, 20 * 784);
    const right = src.slice(20 * 784);
    augmentImages(left, 20, a, { seed: 9, epoch: 4, firstPosition: 100 });
    augmentImages(right, n - 20, a, { seed: 9, epoch: 4, firstPosition: 120 });
    expect([...left, ...right]).toEqual([...whole]);
    const other = src.slice();
    augmentImages(other, n, a, { seed: 9, epoch: 5, firstPosition: 100 });
    expect(other).not.toEqual(whole);
    expect(whole).not.toEqual(src);
  });
});

describe("AdamW and label smoothing", () => {
  it("decays weights as Keras AdamW does (w ← w − lr·λ·w), before the update", () => {
    const v = tf.variable(tf.tensor1d([1, -2, 0.5]));
    applyWeightDecay([v], 0.01, 0.004);
    expect([...v.dataSync()]).toEqual([...new Float32Array([1, -2, 0.5].map((w) => w * (1 - 0.01 * 0.004)))]);
    v.dispose();
  });

  it("smooths labels as Keras's CategoricalCrossentropy(label_smoothing): (1 − ε)·y + ε/10", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 10, inputShape: [1] })] });
    const logits = tf.tensor2d([[2, 1, 0, 0, 0, 0, 0, 0, 0, -1]]);
    const y = tf.oneHot([0], 10).toFloat();
    const eps = 0.1;
    const l = logits.dataSync();
    const lse = Math.log([...l].reduce((a, z) => a + Math.exp(z), 0));
    const expected = -[...l].reduce((a, z, c) => a + ((c === 0 ? 1 - eps : 0) + eps / 10) * (z - lse), 0);
    expect(trainingLoss(model, y, logits, eps).dataSync()[0]).toBeCloseTo(expected, 5);
    expect(trainingLoss(model, y, logits, 0).dataSync()[0]).toBeCloseTo(lse - l[0]!, 5);
    tf.dispose([logits, y]);
    model.dispose();
  });
});

describe("runs with the recipes", () => {
  const recipes = {
    ...base,
    optimizer: "adamw",
    learningRate: 0.01,
    weightDecay: 0.01,
    labelSmoothing: 0.1,
    augmentation: { randomTranslation: 2, randomFlip: "horizontal", randomErasing: { factor: 0.3 } },
    lrSchedule: { type: "oneCycle", pctStart: 0.3 },
  };
  const weightsOf = (o: Awaited<ReturnType<typeof runTraining>>) => new Float32Array(o.model.weights.slice().buffer);

  it("two runs with the same seed and Dropout give identical weights; another seed does not", async () => {
    const a = await runTraining({ architecture: mlp, training: base, data: small, backend: "cpu" });
    const b = await runTraining({ architecture: mlp, training: base, data: small, backend: "cpu" });
    const c = await runTraining({ architecture: mlp, training: { ...base, seed: 6 }, data: small, backend: "cpu" });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(a.history.map((h) => h.loss)).toEqual(b.history.map((h) => h.loss));
    expect(weightsOf(a)).not.toEqual(weightsOf(c));
  });

  it("train reproducibly with every recipe on, with the rate each epoch in the history", async () => {
    // Augmentation works on the 28×28 image before it is shaped for the model, so an MLP (784
    // inputs, fast on the cpu backend) sees shifted, flipped and erased images as a CNN would.
    const a = await runTraining({ architecture: mlp, training: recipes, data: small, backend: "cpu" });
    const b = await runTraining({ architecture: mlp, training: recipes, data: small, backend: "cpu" });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(a.testAccuracy).toBeGreaterThan(0.4); // it learns with augmentation on (chance: 0.1)
    // One cycle over 3 × 17 steps: up, then down to near nothing at the last step.
    const rates = a.history.map((h) => h.learningRate!);
    expect(rates[0]).toBeGreaterThan(rates[2]!);
    expect(rates[2]).toBeCloseTo(0.01 / 25 / 1e4, 12);
    // The recipes change training: without them the weights differ.
    const plain = await runTraining({ architecture: mlp, training: base, data: small, backend: "cpu" });
    expect(weightsOf(plain)).not.toEqual(weightsOf(a));
  });

  it("on 2 threads: reproducible with augmentation and Dropout, and an interrupted run resumes exactly", async () => {
    const training = { ...recipes, lrSchedule: null, reduceLrOnPlateau: { patience: 0, minDelta: 10, factor: 0.5 } };
    const opts = { architecture: mlp, training, data: small, backend: "wasm" as const, threads: 2 };
    const saved = new Map<number, Uint8Array>();
    const a = await runTraining({ ...opts, checkpoint: { save: async (bytes, e) => void saved.set(e, bytes) } });
    expect(a.threads).toBe(2);
    // minDelta no run meets: after epoch 2 (epoch 1 sets the best) the rate halves; an epoch's
    // history has the rate it trained at, as Keras's logs["learning_rate"].
    expect(a.history.map((h) => h.learningRate)).toEqual([0.01, 0.01, 0.005]);
    expect(a.notes.join(" ")).toMatch(
      /ReduceLROnPlateau: val_loss did not improve for 1 epoch; learning rate 0\.0100 → 0\.00500 after epoch 2/,
    );
    const checkpoint = decodeCheckpoint(saved.get(2)!);
    expect(checkpoint.ok && checkpoint.content.plateau?.learningRate).toBe(0.005);
    const b = await runTraining(opts);
    expect(weightsOf(a)).toEqual(weightsOf(b));
    const resumed = await runTraining({ ...opts, checkpoint: { resume: saved.get(2), save: async () => {} } });
    expect(resumed.notes.join(" ")).toMatch(/Resumed from the checkpoint after epoch 2/);
    expect(weightsOf(resumed)).toEqual(weightsOf(a));
    expect(resumed.history.map((h) => h.learningRate)).toEqual([0.01, 0.01, 0.005]);
  });
});
