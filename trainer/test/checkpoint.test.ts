// Checkpoints and resume: a run stopped after epoch k and resumed from its checkpoint must be the
// run that never stopped. Exact (bitwise) on the cpu backend; measured on wasm and on 2 threads.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type FashionMnist, keras, loadFashionMnist, runTraining, sequential } from "..";
import { layer } from "../arch/keras";
import { decodeCheckpoint, encodeCheckpoint, type TensorData } from "../train/checkpoint-format";
import type { CheckpointOptions, EpochMetrics, RunTrainingOptions, TrainingOutcome } from "../train/run";

let small: FashionMnist;
beforeAll(async () => {
  const data = await loadFashionMnist({ subset: "fixture" });
  small = {
    ...data,
    train: { images: data.train.images.slice(0, 600 * 784), labels: data.train.labels.slice(0, 600), count: 600 },
  };
});

// Conv + BatchNorm (non-trainable moving statistics) + Adam (moments and bias-correction powers):
// every kind of state a checkpoint carries, in a model small enough for the cpu backend.
const cnn = sequential(
  [
    keras.conv2d(4, 3, { activation: "relu", strides: [2, 2] }),
    keras.maxPool2d(2),
    keras.batchNorm(),
    keras.flatten(),
    keras.dense(16, "relu"),
    keras.dense(10, "softmax"),
  ],
  { inputShape: [28, 28, 1] },
);
const mlp = sequential([keras.dense(8, "relu"), keras.dense(10, "softmax")], { inputShape: [784] });
const training = { optimizer: "adam", batchSize: 32, maxEpochs: 4, earlyStopping: null, seed: 9 };

type RunOptions = Omit<RunTrainingOptions, "architecture" | "data" | "checkpoint"> & {
  architecture?: unknown;
  checkpoint?: Partial<CheckpointOptions>;
};
type Run = { outcome: TrainingOutcome; saved: Map<number, Uint8Array>; trained: number[] };

async function run(opts: RunOptions): Promise<Run> {
  const saved = new Map<number, Uint8Array>();
  const trained: number[] = [];
  const outcome = await runTraining({
    architecture: cnn,
    training,
    data: small,
    ...opts,
    onEpoch: (m) => void trained.push(m.epoch),
    checkpoint: {
      ...opts.checkpoint,
      save:
        opts.checkpoint?.save ??
        (async (bytes, epoch) => {
          saved.set(epoch, bytes);
        }),
    },
  });
  return { outcome, saved, trained };
}

/** The largest |a − b| over all tensors (Infinity when their shapes differ). */
function maxAbsDiff(a: TensorData[], b: TensorData[]): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (const [i, t] of a.entries()) {
    if (t.values.length !== b[i].values.length) return Number.POSITIVE_INFINITY;
    for (let j = 0; j < t.values.length; j++) max = Math.max(max, Math.abs(t.values[j] - b[i].values[j]));
  }
  return max;
}

/** The returned model's weights.bin as one float32 tensor. */
const modelWeights = (o: TrainingOutcome): TensorData[] => {
  const w = o.model.weights;
  return [
    { shape: [w.byteLength / 4], values: new Float32Array(w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength)) },
  ];
};

const content = (bytes: Uint8Array | undefined) => {
  const d = decodeCheckpoint(bytes!);
  if (!d.ok) throw new Error(d.reason);
  return d.content;
};

/** Everything but the timings, which differ between any two runs. */
const learned = (h: EpochMetrics[]) =>
  h.map(({ epoch, loss, accuracy, valLoss, valAccuracy }) => ({ epoch, loss, accuracy, valLoss, valAccuracy }));

/** Resumes from `whole`'s checkpoint after epoch k and compares the end states. */
async function resumeAndCompare(whole: Run, k: number, opts: RunOptions) {
  let resumedWith: { epoch: number; history: EpochMetrics[] } | null = null;
  const resumed = await run({
    ...opts,
    checkpoint: {
      resume: whole.saved.get(k),
      onResume: (r) => {
        resumedWith = r;
      },
    },
  });
  const last = Math.max(...whole.saved.keys());
  const a = content(whole.saved.get(last));
  const b = content(resumed.saved.get(last));
  return {
    resumed,
    resumedWith: resumedWith as { epoch: number; history: EpochMetrics[] } | null,
    weightDiff: maxAbsDiff(a.weights, b.weights),
    // The trained model the run returns (after restore-best, what is stored and scored).
    modelDiff: maxAbsDiff(modelWeights(whole.outcome), modelWeights(resumed.outcome)),
    optimizerDiff: maxAbsDiff(a.optimizer.variables, b.optimizer.variables),
    a,
    b,
  };
}

describe("resume from a checkpoint", () => {
  it("equals the uninterrupted run bit for bit on the cpu backend (weights, Adam state, history, test scores)", async () => {
    const whole = await run({ backend: "cpu" });
    expect([...whole.saved.keys()]).toEqual([1, 2, 3, 4]);
    const r = await resumeAndCompare(whole, 2, { backend: "cpu" });
    expect(r.resumed.trained).toEqual([3, 4]); // the first trained epoch is k + 1
    expect(r.resumedWith?.epoch).toBe(2);
    expect(r.resumedWith?.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(r.resumed.outcome.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(r.resumed.outcome.notes.join(" ")).toMatch(
      /Resumed from the checkpoint after epoch 2 \(written on cpu, 1 thread\)/,
    );
    // Epochs 1–2 are the earlier attempt's own records (same timings), not re-trained ones.
    expect(r.resumed.outcome.history.slice(0, 2)).toEqual(whole.outcome.history.slice(0, 2));
    expect(r.weightDiff).toBe(0);
    expect(r.modelDiff).toBe(0);
    expect(r.optimizerDiff).toBe(0);
    expect(r.b.optimizer.iterations).toBe(r.a.optimizer.iterations);
    expect(r.b.optimizer.accBeta).toEqual(r.a.optimizer.accBeta);
    expect(learned(r.resumed.outcome.history)).toEqual(learned(whole.outcome.history));
    expect(r.resumed.outcome.testLoss).toBe(whole.outcome.testLoss);
    expect([...r.resumed.outcome.predictions]).toEqual([...whole.outcome.predictions]);
    // The comparison is not vacuous: training moved the weights between epochs 2 and 4.
    expect(maxAbsDiff(content(whole.saved.get(2)).weights, r.a.weights)).toBeGreaterThan(1e-3);
  });

  it("equals it bit for bit on wasm and on 2 threads too", async () => {
    // Measured max |Δ| over every weight and optimizer slot: 0 on both (printed below), so the
    // tolerance asserted is 0. Both runs are on this machine: XNNPACK picks kernels by CPU
    // features, so a resume on a machine with other SIMD may differ in the last bits.
    const TOL = 0;
    const wasm = await run({ backend: "wasm", threads: 1 });
    const w = await resumeAndCompare(wasm, 2, { backend: "wasm", threads: 1 });
    const two = await run({ backend: "wasm", threads: 2 });
    const t = await resumeAndCompare(two, 1, { backend: "wasm", threads: 2 });
    console.log(
      `[checkpoint] resume vs uninterrupted, max |Δ final weight| / |Δ optimizer slot|: wasm ${w.modelDiff} / ${w.optimizerDiff}, wasm 2 threads ${t.modelDiff} / ${t.optimizerDiff}`,
    );
    expect(two.outcome.threads).toBe(2);
    expect(t.resumed.outcome.threads).toBe(2);
    expect(t.resumed.trained).toEqual([2, 3, 4]);
    for (const d of [w.weightDiff, w.modelDiff, w.optimizerDiff, t.weightDiff, t.modelDiff, t.optimizerDiff])
      expect(d).toBeLessThanOrEqual(TOL);
    expect(learned(w.resumed.outcome.history).map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(Math.abs(t.resumed.outcome.testLoss - two.outcome.testLoss)).toBeLessThanOrEqual(TOL);
  });

  it("resumes early stopping where it was: a run that stops at epoch 5 stops at 5 after resuming at 3", async () => {
    // minDelta no run can meet: only epoch 1 improves, so patience 4 stops the run after epoch 5.
    const es = { monitor: "val_loss", patience: 4, minDelta: 100, restoreBestWeights: true };
    const opts = {
      architecture: mlp,
      backend: "cpu" as const,
      training: { ...training, maxEpochs: 10, earlyStopping: es },
    };
    const whole = await run(opts);
    expect(whole.outcome.epochs).toBe(5);
    expect(whole.outcome.bestEpoch).toBe(1);
    const at3 = content(whole.saved.get(3));
    expect(at3.earlyStopping).toMatchObject({ best: { epoch: 1 }, wait: 2, stopReason: null });
    expect(at3.bestWeights).not.toBeNull();
    const tensorsBefore = tf.memory().numTensors;
    const r = await resumeAndCompare(whole, 3, opts);
    expect(tf.memory().numTensors).toBe(tensorsBefore); // restored best weights and moments released
    expect(r.resumed.trained).toEqual([4, 5]);
    expect(r.resumed.outcome.stoppedEarly).toBe(true);
    expect(r.resumed.outcome.epochs).toBe(5);
    expect(r.resumed.outcome.bestEpoch).toBe(1);
    expect(r.resumed.outcome.stopReason).toBe(whole.outcome.stopReason);
    expect(r.resumed.outcome.notes.join(" ")).toMatch(/Restored the weights of epoch 1/);
    // The restored best weights are epoch 1's: the test scores match the uninterrupted run's.
    expect(r.resumed.outcome.testLoss).toBe(whole.outcome.testLoss);
    expect(maxAbsDiff(r.a.bestWeights!, r.b.bestWeights!)).toBe(0);
    expect(r.modelDiff).toBe(0); // the returned model is epoch 1's, as uninterrupted
    // Resuming from the last checkpoint (a crash while scoring) trains nothing and ends the same.
    const fromLast = await run({ ...opts, checkpoint: { resume: whole.saved.get(5) } });
    expect(fromLast.trained).toEqual([]);
    expect(fromLast.outcome.stoppedEarly).toBe(true);
    expect(fromLast.outcome.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(fromLast.outcome.testLoss).toBe(whole.outcome.testLoss);
  });

  it("starts fresh, and says why, from a damaged or mismatched checkpoint", async () => {
    const opts = { architecture: mlp, backend: "cpu" as const, training: { ...training, maxEpochs: 2 } };
    const whole = await run(opts);
    const good = whole.saved.get(1)!;
    const damaged = good.slice();
    damaged[Math.floor(damaged.length / 2)] ^= 1;
    const otherSeed = (await run({ ...opts, training: { ...opts.training, seed: 10 } })).saved.get(1)!;
    const c = content(good);
    const reshaped = encodeCheckpoint({
      ...c,
      weights: c.weights.map((w, i) => (i === 0 ? { ...w, shape: [w.shape[1], w.shape[0]] } : w)),
    });
    const cases: [Uint8Array, RegExp][] = [
      [damaged, /damaged \(its SHA-256 does not match/],
      [good.slice(0, 100), /damaged|too short|runs past/],
      [new TextEncoder().encode("not a checkpoint at all, just some text of sufficient length"), /wrong signature/],
      [otherSeed, /different architecture, training configuration, seed or data set/],
      [reshaped, /weight '.*kernel' has shape \[8, 784\] there and \[784, 8\] here/],
    ];
    for (const [bytes, why] of cases) {
      const r = await run({ ...opts, checkpoint: { resume: bytes } });
      const note = r.outcome.notes.find((n) => n.includes("checkpoint"));
      expect(note).toMatch(why);
      expect(note).toMatch(/was not used .*; training started from epoch 1/);
      expect(r.trained).toEqual([1, 2]);
      expect(learned(r.outcome.history)).toEqual(learned(whole.outcome.history));
    }
  });

  it("saves at most once per minIntervalMs (and always after the last epoch); a failed save doesn't stop training", async () => {
    const opts = { architecture: mlp, backend: "cpu" as const, training: { ...training, maxEpochs: 3 } };
    const sparse = await run({ ...opts, checkpoint: { minIntervalMs: 3_600_000 } });
    expect([...sparse.saved.keys()]).toEqual([3]);
    let calls = 0;
    const failing = await run({
      ...opts,
      checkpoint: {
        save: async () => {
          calls++;
          throw new Error("disk full");
        },
      },
    });
    expect(calls).toBe(3);
    expect(failing.outcome.epochs).toBe(3);
    expect(failing.outcome.notes.filter((n) => /could not be stored: disk full/.test(n))).toHaveLength(1);
  });

  it("resumes a model with Dropout, GaussianNoise and GaussianDropout bit for bit (their noise is seeded per step)", async () => {
    const noisy = sequential(
      [
        keras.dense(8, "relu"),
        keras.dropout(0.2),
        layer("GaussianNoise", { stddev: 0.1 }),
        layer("GaussianDropout", { rate: 0.1 }),
        keras.dense(10, "softmax"),
      ],
      { inputShape: [784] },
    );
    const opts = { architecture: noisy, backend: "cpu" as const, training: { ...training, maxEpochs: 3 } };
    const whole = await run(opts);
    const r = await resumeAndCompare(whole, 1, opts);
    expect(r.resumed.trained).toEqual([2, 3]);
    expect(r.resumed.outcome.notes.join(" ")).not.toMatch(/unseeded/);
    expect(r.weightDiff).toBe(0);
    expect(r.modelDiff).toBe(0);
    expect(learned(r.resumed.outcome.history)).toEqual(learned(whole.outcome.history));
    // AlphaDropout's noise is still tfjs's unseeded draw: the run says its resume is not exact.
    const alpha = sequential(
      [keras.dense(8, "relu"), layer("AlphaDropout", { rate: 0.2 }), keras.dense(10, "softmax")],
      {
        inputShape: [784],
      },
    );
    const alphaOpts = { ...opts, architecture: alpha, training: { ...training, maxEpochs: 2 } };
    const first = await run(alphaOpts);
    const resumed = await run({ ...alphaOpts, checkpoint: { resume: first.saved.get(1) } });
    expect(resumed.outcome.notes.join(" ")).toMatch(/'alpha_dropout' draw unseeded random noise/);
  });
});

describe("checkpoint format", () => {
  it("round-trips its content and refuses another version", async () => {
    const { saved } = await run({ architecture: mlp, backend: "cpu", training: { ...training, maxEpochs: 1 } });
    const bytes = saved.get(1)!;
    const c = content(bytes);
    expect(c.epoch).toBe(1);
    expect(c.weights.map((w) => w.shape)).toEqual([[784, 8], [8], [8, 10], [10]]);
    expect(c.optimizer).toMatchObject({ className: "Adam", iterations: 17 }); // ceil(540 / 32) steps
    expect(c.optimizer.variables).toHaveLength(8); // first and second moments of 4 weights
    expect(encodeCheckpoint(c)).toEqual(bytes);
    // An unaligned view (as a database driver's Buffer may be) reads the same.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(content(shifted.subarray(1)).weights[2].values).toEqual(c.weights[2].values);
    const v1 = bytes.slice();
    v1[8] = 1;
    expect(decodeCheckpoint(v1)).toEqual({
      ok: false,
      reason: expect.stringMatching(/format version 1; this trainer reads version 2/),
    });
  });
});
