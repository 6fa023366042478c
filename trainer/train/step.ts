// One training step's arithmetic, shared by the single-threaded loop and every data-parallel
// replica (parallel.ts, replica.ts), so both paths compute gradients the same way.
import * as tf from "@tensorflow/tfjs";
import type { Augmentation, TrainingConfig } from "../arch/training";
import { IMAGE_SIZE, type Split } from "../data/fashionMnist";
import { augmentImages, augments } from "./augment";
import { FusedAdamOptimizer } from "./fusedAdam";

/** What one step does beyond the plain gradient: the training config's recipes, for this step. */
export interface StepRecipe {
  seed: number;
  /** null: none (also for evaluation batches). */
  augmentation: Augmentation | null;
  labelSmoothing: number;
  /** Decoupled weight decay (AdamW's), 0 for the other optimizers. */
  weightDecay: number;
}

export function stepRecipe(c: TrainingConfig): StepRecipe {
  return {
    seed: c.seed,
    augmentation: augments(c.augmentation) ? c.augmentation : null,
    labelSmoothing: c.labelSmoothing,
    weightDecay: c.optimizer === "adamw" ? c.weightDecay : 0,
  };
}

/** Where a step is in the run: keys for the augmentation and noise seeds, and its learning rate. */
export interface StepPlace {
  epoch: number;
  batch: number;
  learningRate: number;
}

/**
 * Copies the selected images into a float batch scaled to [0, 1], plus one-hot labels; with an
 * augmentation, each image is augmented by its key (seed, epoch, position `from + i` in `idx`).
 */
export function makeBatch(
  split: Split,
  idx: ArrayLike<number>,
  from: number,
  to: number,
  inputShape: number[],
  augment?: { augmentation: Augmentation; seed: number; epoch: number },
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
  if (augment) {
    augmentImages(xs, n, augment.augmentation, { seed: augment.seed, epoch: augment.epoch, firstPosition: from });
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
    case "adamw":
      // Keras defaults: beta1 0.9, beta2 0.999, epsilon 1e-7. AdamW is Adam plus the decoupled
      // decay applied before each update (applyWeightDecay), as Keras's AdamW does.
      // (fusedAdam.ts: tfjs's Adam with each variable's update in one kernel on wasm.)
      return new FusedAdamOptimizer(c.learningRate, 0.9, 0.999, 1e-7);
    case "rmsprop":
      return tf.train.rmsprop(c.learningRate, 0.9, 0, 1e-7);
    case "adagrad":
      return tf.train.adagrad(c.learningRate, 0.1);
  }
}

/**
 * Sets the rate the optimizer's next update uses. tfjs's SGD and momentum keep it as a scalar
 * tensor (setLearningRate replaces it); Adam, RMSProp and Adagrad read the number at each update.
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (r: number) => void };
  if (o.learningRate === rate) return;
  if (o.setLearningRate) o.setLearningRate(rate);
  else o.learningRate = rate;
}

/** Keras AdamW's decoupled weight decay, before the step's update: w ← w − lr·λ·w. */
export function applyWeightDecay(vars: tf.Variable[], learningRate: number, weightDecay: number): void {
  if (weightDecay === 0) return;
  const keep = 1 - learningRate * weightDecay;
  tf.tidy(() => {
    for (const v of vars) v.assign(tf.mul(v, keep));
  });
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

/**
 * Cross-entropy from logits (with label smoothing ε: targets (1 − ε)·y + ε/10, as Keras's and
 * tfjs's softmaxCrossEntropy define it) plus the model's weight penalties.
 */
export function trainingLoss(model: tf.LayersModel, y: tf.Tensor, logits: tf.Tensor, labelSmoothing = 0): tf.Scalar {
  const ce = (
    labelSmoothing > 0
      ? tf.losses.softmaxCrossEntropy(y, logits, undefined, labelSmoothing)
      : tf.losses.softmaxCrossEntropy(y, logits)
  ) as tf.Scalar;
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
  recipe: StepRecipe,
  epoch: number,
): StepStats {
  if (to <= from) {
    out.fill(0);
    return { lossSum: 0, correct: 0 };
  }
  const b = makeBatch(split, order, from, to, inputShape, augmentOf(recipe, epoch));
  let logits: tf.Tensor | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const out = model.apply(b.x, { training: true }) as tf.Tensor;
    logits = tf.keep(out);
    return trainingLoss(model, b.y, out, recipe.labelSmoothing);
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

/** makeBatch's augmentation argument for a training step of `epoch`, or undefined for none. */
export function augmentOf(
  recipe: StepRecipe,
  epoch: number,
): { augmentation: Augmentation; seed: number; epoch: number } | undefined {
  return recipe.augmentation ? { augmentation: recipe.augmentation, seed: recipe.seed, epoch } : undefined;
}

/**
 * Applies a flat gradient buffer (laid out as shardGradients writes it) with the optimizer at
 * the step's rate, after AdamW's decoupled decay when there is one.
 */
export function applyFlatGradients(
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  flat: Float32Array,
  learningRate: number,
  weightDecay: number,
): void {
  setLearningRate(optimizer, learningRate);
  applyWeightDecay(vars, learningRate, weightDecay);
  const named: tf.NamedTensorMap = {};
  let off = 0;
  for (const v of vars) {
    named[v.name] = tf.tensor(flat.subarray(off, off + v.size), v.shape, "float32");
    off += v.size;
  }
  optimizer.applyGradients(named);
  tf.dispose(Object.values(named));
}
