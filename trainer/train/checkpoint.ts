// Checkpoints of a training run (the bytes are checkpoint-format.ts): what the loop in run.ts
// needs to stop after any epoch and go on later, on another worker, as if it never stopped.
//
// What makes a resumed run equal an uninterrupted one: every model weight (BatchNorm's moving
// statistics too), the optimizer's full state, the early-stopping bookkeeping, and the data
// order, which is a pure function of (seed, epoch) in run.ts and so needs no state of its own.
// Dropout, GaussianNoise and GaussianDropout are seeded per step (noise.ts) and augmentation is a
// function of (seed, epoch, position) (augment.ts), so they need no state either. Not covered:
// AlphaDropout, whose noise tfjs draws from an unseeded Math.random, so a model with it resumes
// correctly but not bit-identically; the run's notes say so.
import * as tf from "@tensorflow/tfjs";
import type { NormalizedModel } from "../arch/model";
import {
  type CheckpointContent,
  decodeCheckpoint,
  encodeCheckpoint,
  type OptimizerState,
  type TensorData,
} from "./checkpoint-format";
import { SEEDED_NOISE } from "./noise";
import type { EpochMetrics } from "./run";
import type { PlateauState } from "./schedule";

export type { OptimizerState } from "./checkpoint-format";

/** The loop's state after an epoch, as run.ts keeps it. */
export interface LoopState {
  epoch: number;
  trainMs: number;
  history: EpochMetrics[];
  best: { value: number; epoch: number; weights: tf.Tensor[] | null } | null;
  wait: number;
  stopReason: string | null;
  /** ReduceLROnPlateau's state, when the run uses it. */
  plateau: PlateauState | null;
}

// Adam keeps beta1^t and beta2^t as variables updated by one multiplication per step; tfjs's
// setWeights() recomputes them with pow(), which differs in the last bits. They are restored
// exactly from the checkpoint instead (tfjs 4.22 names them accBeta1/accBeta2).
interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

// No copy: the values are read before the next step changes them (encoded, or cloned to a thread).
// Read asynchronously: a GPU backend (webgpu) has no synchronous read in Node.
const toData = async (t: tf.Tensor): Promise<TensorData> => ({
  shape: [...t.shape],
  values: (await t.data()) as Float32Array,
});
const scalarOf = async (t: tf.Tensor): Promise<number> => (await t.data())[0];

/** The optimizer's state as plain arrays (also what replica threads are started with). */
export async function snapshotOptimizer(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const [iter, ...slots] = await optimizer.getWeights();
  const iterations = await scalarOf(iter.tensor);
  iter.tensor.dispose(); // saveIterations() makes a new scalar each call
  const adam = optimizer as unknown as AdamInternals;
  return {
    className: optimizer.getClassName(),
    iterations,
    variables: await Promise.all(slots.map(async (s) => ({ name: s.name, ...(await toData(s.tensor)) }))),
    accBeta: adam.accBeta1 && adam.accBeta2 ? [await scalarOf(adam.accBeta1), await scalarOf(adam.accBeta2)] : null,
  };
}

/** Puts a snapshot's state into a freshly made optimizer of the same kind. */
export async function restoreOptimizer(optimizer: tf.Optimizer, s: OptimizerState): Promise<void> {
  const iter = tf.scalar(s.iterations, "int32");
  const slots = s.variables.map((v) => ({ name: v.name, tensor: tf.tensor(v.values, v.shape, "float32") }));
  await optimizer.setWeights([{ name: "iter", tensor: iter }, ...slots]);
  // setWeights() made variables of these (sharing their data); the tensors themselves can go.
  tf.dispose([iter, ...slots.map((v) => v.tensor)]);
  const adam = optimizer as unknown as AdamInternals;
  if (s.accBeta && adam.accBeta1 && adam.accBeta2) {
    const [b1, b2] = s.accBeta;
    tf.tidy(() => {
      adam.accBeta1!.assign(tf.scalar(b1));
      adam.accBeta2!.assign(tf.scalar(b2));
    });
  }
}

const RANDOM_IN_TRAINING = new Set(["Dropout", "SpatialDropout1D", "AlphaDropout", "GaussianDropout", "GaussianNoise"]);

/** Layers whose training-time noise tfjs draws unseeded: a resume of them is not bit-identical. */
export function unseededLayers(nm: NormalizedModel): string[] {
  return nm.layers
    .filter(
      (l) =>
        RANDOM_IN_TRAINING.has(l.className) &&
        !SEEDED_NOISE.has(l.className) &&
        (l.config.rate ?? l.config.stddev) !== 0,
    )
    .map((l) => l.name);
}

const shapeText = (s: readonly (number | null)[]) => `[${s.join(", ")}]`;

/** Why a decoded checkpoint can't continue this run (null when it can). */
function mismatch(
  c: CheckpointContent,
  fingerprint: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  maxEpochs: number,
  keepsBest: boolean,
): string | null {
  if (c.fingerprint !== fingerprint)
    return "it was written for a different architecture, training configuration, seed or data set";
  const weights = model.weights;
  if (c.weights.length !== weights.length) return `it has ${c.weights.length} weights; the model has ${weights.length}`;
  for (const [i, w] of weights.entries()) {
    if (shapeText(c.weights[i].shape) !== shapeText(w.shape))
      return `weight '${w.originalName}' has shape ${shapeText(c.weights[i].shape)} there and ${shapeText(w.shape)} here`;
    if (c.bestWeights && shapeText(c.bestWeights[i]?.shape ?? []) !== shapeText(w.shape))
      return `best-epoch weight '${w.originalName}' has the wrong shape`;
  }
  if (c.bestWeights && c.bestWeights.length !== weights.length) return "its best-epoch weights are incomplete";
  if (keepsBest !== (c.bestWeights !== null) && c.earlyStopping.best)
    return "its best-epoch weights don't match the run's restoreBestWeights setting";
  if (c.optimizer.className !== optimizer.getClassName())
    return `its optimizer is ${c.optimizer.className}; the run's is ${optimizer.getClassName()}`;
  const slots = c.optimizer.variables;
  if (slots.length % Math.max(1, vars.length) !== 0)
    return `its optimizer has ${slots.length} slot variables for ${vars.length} trainable weights`;
  for (const [i, s] of slots.entries()) {
    if (shapeText(s.shape) !== shapeText(vars[i % vars.length].shape))
      return `optimizer slot '${s.name}' has shape ${shapeText(s.shape)}; expected ${shapeText(vars[i % vars.length].shape)}`;
  }
  if (c.epoch > maxEpochs) return `it is after epoch ${c.epoch}, past the run's ${maxEpochs} epochs`;
  return null;
}

export type ResumeResult =
  | { ok: true; state: LoopState; optimizer: OptimizerState; writtenBy: CheckpointContent["writtenBy"] }
  | { ok: false; reason: string };

/**
 * Restores the model's weights and the optimizer's state from a checkpoint and returns the
 * loop's state, or says why the checkpoint doesn't fit this run (then nothing was changed).
 */
export async function resumeFrom(
  bytes: Uint8Array,
  run: {
    fingerprint: string;
    model: tf.LayersModel;
    optimizer: tf.Optimizer;
    vars: tf.Variable[];
    maxEpochs: number;
    keepsBest: boolean;
  },
): Promise<ResumeResult> {
  const decoded = decodeCheckpoint(bytes);
  if (!decoded.ok) return decoded;
  const c = decoded.content;
  const why = mismatch(c, run.fingerprint, run.model, run.optimizer, run.vars, run.maxEpochs, run.keepsBest);
  if (why) return { ok: false, reason: why };
  const weights = c.weights.map((w) => tf.tensor(w.values, w.shape, "float32"));
  run.model.setWeights(weights);
  tf.dispose(weights);
  await restoreOptimizer(run.optimizer, c.optimizer);
  const es = c.earlyStopping;
  return {
    ok: true,
    state: {
      epoch: c.epoch,
      trainMs: c.trainMs,
      history: c.history,
      best: es.best
        ? {
            ...es.best,
            weights: c.bestWeights ? c.bestWeights.map((w) => tf.tensor(w.values, w.shape, "float32")) : null,
          }
        : null,
      wait: es.wait,
      stopReason: es.stopReason,
      plateau: c.plateau,
    },
    optimizer: c.optimizer,
    writtenBy: c.writtenBy,
  };
}

/** The checkpoint of the loop's state after an epoch. */
export async function captureCheckpoint(run: {
  fingerprint: string;
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  state: LoopState;
  backend: string;
  threads: number;
}): Promise<Uint8Array> {
  const s = run.state;
  return encodeCheckpoint({
    fingerprint: run.fingerprint,
    epoch: s.epoch,
    trainMs: s.trainMs,
    history: s.history,
    earlyStopping: {
      best: s.best ? { value: s.best.value, epoch: s.best.epoch } : null,
      wait: s.wait,
      stopReason: s.stopReason,
    },
    plateau: s.plateau,
    weights: await Promise.all(run.model.getWeights().map(toData)),
    bestWeights: s.best?.weights ? await Promise.all(s.best.weights.map(toData)) : null,
    optimizer: await snapshotOptimizer(run.optimizer),
    writtenBy: { backend: run.backend, threads: run.threads, createdAt: new Date().toISOString() },
  });
}
