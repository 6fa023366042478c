// tfjs's Adam with each variable's update as one kernel (trainer/backend/kernels/Adam.ts) on the
// backends that have it (wasm), tfjs's own update elsewhere. It is an AdamOptimizer, keeping its
// state (moments, accBeta, iterations) in the same fields: checkpoints (checkpoint.ts) save and
// restore it unchanged, and every update is bit-identical to tfjs's (wasmKernels.test.ts).
import * as tf from "@tensorflow/tfjs";
import { ADAM_UPDATE, type AdamUpdateAttrs } from "../backend/kernels";

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** AdamOptimizer's private state, as its compiled code names it (tfjs 4.22). */
interface AdamFields {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

type Gradients = Parameters<tf.AdamOptimizer["applyGradients"]>[0];

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    if (!tf.getKernel(ADAM_UPDATE, tf.getBackend())) {
      super.applyGradients(variableGradients);
      return;
    }
    const s = this as unknown as AdamFields;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    // tfjs's scalars are float32 tensors of these JS numbers; 1 − accBeta is a float32 subtraction.
    const f = Math.fround;
    const attrs: AdamUpdateAttrs = {
      beta1: f(this.beta1),
      oneMinusBeta1: f(1 - this.beta1),
      beta2: f(this.beta2),
      oneMinusBeta2: f(1 - this.beta2),
      oneMinusAccBeta1: f(1 - s.accBeta1.dataSync()[0]),
      oneMinusAccBeta2: f(1 - s.accBeta2.dataSync()[0]),
      negLearningRate: f(-this.learningRate),
      epsilon: f(this.epsilon),
    };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        // Slots made exactly as tfjs makes them (same names, same order), on first use.
        s.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        s.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const m = s.accumulatedFirstMoment[i].variable;
        const v = s.accumulatedSecondMoment[i].variable;
        const [w1, m1, v1] = tf
          .engine()
          .runKernel(ADAM_UPDATE, { value, gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(m1);
        v.assign(v1);
        value.assign(w1);
      });
      s.accBeta1.assign(tf.mul(s.accBeta1, this.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}

/** Adam's whole state for `vars` as flat buffers (the layout of step.ts's flat gradients). */
export interface FlatAdamState {
  m: Float32Array;
  v: Float32Array;
  /** β1^t and β2^t as the float32 values tfjs's accBeta variables hold. */
  accBeta: [number, number];
  iterations: number;
}

/** Reads an AdamOptimizer's state (zeros for slots it has not made yet). */
export function readAdamState(optimizer: tf.Optimizer, vars: tf.Variable[]): FlatAdamState {
  const s = optimizer as unknown as AdamFields & { iterations_: number };
  const params = vars.reduce((a, v) => a + v.size, 0);
  const m = new Float32Array(params);
  const v = new Float32Array(params);
  let off = 0;
  vars.forEach((x, i) => {
    if (s.accumulatedFirstMoment[i]) m.set(s.accumulatedFirstMoment[i].variable.dataSync() as Float32Array, off);
    if (s.accumulatedSecondMoment[i]) v.set(s.accumulatedSecondMoment[i].variable.dataSync() as Float32Array, off);
    off += x.size;
  });
  return {
    m,
    v,
    accBeta: [s.accBeta1.dataSync()[0], s.accBeta2.dataSync()[0]],
    iterations: s.iterations_,
  };
}

/**
 * Puts a state into an AdamOptimizer, making its slots as its own first update would (same
 * names, same order), so checkpoints read it as theirs.
 */
export function writeAdamState(optimizer: tf.Optimizer, vars: tf.Variable[], state: FlatAdamState): void {
  const s = optimizer as unknown as AdamFields & { iterations_: number };
  let off = 0;
  tf.tidy(() => {
    vars.forEach((x, i) => {
      const part = (flat: Float32Array) => tf.tensor(flat.subarray(off, off + x.size), x.shape, "float32");
      for (const [slots, flat, suffix] of [
        [s.accumulatedFirstMoment, state.m, "m"],
        [s.accumulatedSecondMoment, state.v, "v"],
      ] as const) {
        if (slots[i]) slots[i].variable.assign(part(flat));
        else slots[i] = { originalName: `${x.name}/${suffix}`, variable: tf.keep(part(flat).variable(false)) };
      }
      off += x.size;
    });
    s.accBeta1.assign(tf.scalar(state.accBeta[0]));
    s.accBeta2.assign(tf.scalar(state.accBeta[1]));
  });
  s.iterations_ = state.iterations;
}
