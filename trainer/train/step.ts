// One training step's arithmetic, shared by the single-threaded loop and every data-parallel
// replica (parallel.ts, replica.ts), so both paths compute gradients the same way.
import * as tf from "@tensorflow/tfjs";
import type { TrainingConfig } from "../arch/training";
import { IMAGE_SIZE, type Split } from "../data/fashionMnist";

/** Copies the selected images into a float batch scaled to [0, 1], plus one-hot labels. */
export function makeBatch(
  split: Split,
  idx: ArrayLike<number>,
  from: number,
  to: number,
  inputShape: number[],
): { x: tf.Tensor; y: tf.Tensor; labels: Uint8Array } {
  const n = to - from;
  const xs = new Float32Array(n * IMAGE_SIZE);
  const ys = new Float32Array(n * 10);
  const labels = new Uint8Array(n);
  const img = split.images;
  for (let i = 0; i < n; i++) {
    const s = idx[from + i];
    const off = s * IMAGE_SIZE;
    const dst = i * IMAGE_SIZE;
    for (let p = 0; p < IMAGE_SIZE; p++) xs[dst + p] = img[off + p] / 255;
    const l = split.labels[s];
    labels[i] = l;
    ys[i * 10 + l] = 1;
  }
  return { x: tf.tensor(xs, [n, ...inputShape]), y: tf.tensor2d(ys, [n, 10]), labels };
}

/** Loss and argmax from logits, computed in JS (10 values per row) to keep ops off the backend. */
export function scoreLogits(
  logits: Float32Array,
  labels: Uint8Array,
  preds: Uint8Array,
  predOffset: number,
): { lossSum: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const o = i * 10;
    let max = -Infinity;
    let arg = 0;
    for (let c = 0; c < 10; c++) {
      if (logits[o + c] > max) {
        max = logits[o + c];
        arg = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < 10; c++) sum += Math.exp(logits[o + c] - max);
    lossSum += Math.log(sum) + max - logits[o + labels[i]];
    if (arg === labels[i]) correct++;
    preds[predOffset + i] = arg;
  }
  return { lossSum, correct };
}

export function makeOptimizer(c: TrainingConfig): tf.Optimizer {
  switch (c.optimizer) {
    case "sgd":
      return tf.train.sgd(c.learningRate);
    case "momentum":
      return tf.train.momentum(c.learningRate, c.momentum);
    case "adam":
      // Keras defaults: beta1 0.9, beta2 0.999, epsilon 1e-7.
      return tf.train.adam(c.learningRate, 0.9, 0.999, 1e-7);
    case "rmsprop":
      return tf.train.rmsprop(c.learningRate, 0.9, 0, 1e-7);
    case "adagrad":
      return tf.train.adagrad(c.learningRate, 0.1);
  }
}

/**
 * The weight penalties (kernel_regularizer etc.) of all layers as one scalar, or null when the
 * model has none. Added to the training loss, as Keras does: tfjs-layers registers them on the
 * layers but only its own fit() adds them, and this project has its own training loop.
 */
function regularizationLoss(model: tf.LayersModel): tf.Scalar | null {
  const terms = model.layers.flatMap((l) => (l as unknown as { calculateLosses(): tf.Scalar[] }).calculateLosses());
  return terms.length ? (tf.addN(terms) as tf.Scalar) : null;
}

/** Cross-entropy from logits plus the model's weight penalties. */
export function trainingLoss(model: tf.LayersModel, y: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  const ce = tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  const reg = regularizationLoss(model);
  return reg ? tf.add(ce, reg) : ce;
}

export interface StepStats {
  /** Sum over the step's samples of the cross-entropy loss (the step's mean × its size). */
  lossSum: number;
  correct: number;
}

/** The trainable variables of a model, in a fixed order every replica shares. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * Forward and backward pass over samples order[from, to) without touching the weights. Gradients
 * are of the shard's mean loss scaled by `weight` (its share of the whole step), written into
 * `out` (all variables back to back, in `vars` order), so that the replicas' buffers add up to
 * the gradient of the full batch's mean loss.
 */
export function shardGradients(
  model: tf.LayersModel,
  vars: tf.Variable[],
  split: Split,
  order: ArrayLike<number>,
  from: number,
  to: number,
  inputShape: number[],
  weight: number,
  out: Float32Array,
): StepStats {
  if (to <= from) {
    out.fill(0);
    return { lossSum: 0, correct: 0 };
  }
  const b = makeBatch(split, order, from, to, inputShape);
  let logits: tf.Tensor | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const out = model.apply(b.x, { training: true }) as tf.Tensor;
    logits = tf.keep(out);
    return trainingLoss(model, b.y, out);
  }, vars);
  const loss = value.dataSync()[0];
  let off = 0;
  for (const v of vars) {
    const g = grads[v.name].dataSync() as Float32Array;
    for (let i = 0; i < g.length; i++) out[off + i] = g[i] * weight;
    off += g.length;
  }
  const scored = scoreLogits(
    (logits as unknown as tf.Tensor).dataSync() as Float32Array,
    b.labels,
    new Uint8Array(b.labels.length),
    0,
  );
  tf.dispose([b.x, b.y, value, logits as unknown as tf.Tensor, ...Object.values(grads)]);
  return { lossSum: loss * (to - from), correct: scored.correct };
}

/** Applies a flat gradient buffer (laid out as shardGradients writes it) with the optimizer. */
export function applyFlatGradients(optimizer: tf.Optimizer, vars: tf.Variable[], flat: Float32Array): void {
  const named: tf.NamedTensorMap = {};
  let off = 0;
  for (const v of vars) {
    named[v.name] = tf.tensor(flat.subarray(off, off + v.size), v.shape, "float32");
    off += v.size;
  }
  optimizer.applyGradients(named);
  tf.dispose(Object.values(named));
}
