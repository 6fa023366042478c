// Adam for data-parallel training with the update sharded across the replicas (parallel.ts):
// each replica owns a contiguous slice of the flat parameter vector, keeps that slice's weights
// and moments on its own wasm heap, updates only it (one ADAM_UPDATE kernel, the same float32
// operations as tfjs's AdamOptimizer: bit-identical to every replica applying the whole update,
// as before), and publishes the slice to shared memory; then every replica loads all the weights.
// Without it each replica repeated the whole update and the whole gradient sum every step.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { ADAM_UPDATE, type AdamUpdateAttrs } from "../backend/kernels";
import { view } from "../backend/kernels/heap";
import type { FlatAdamState } from "./fusedAdam";

/** Whether the sharded update can run here: Adam/AdamW and the update kernel on this backend. */
export function shardedAdamAvailable(optimizer: string): boolean {
  return (optimizer === "adam" || optimizer === "adamw") && tf.getKernel(ADAM_UPDATE, tf.getBackend()) !== undefined;
}

/** The shared weights and Adam moments of all parameters, each replica writing its own slice. */
export interface SharedAdam {
  w: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

export function sharedAdamViews(buffer: SharedArrayBuffer, params: number): SharedAdam {
  return {
    w: new Float32Array(buffer, 0, params),
    m: new Float32Array(buffer, 4 * params, params),
    v: new Float32Array(buffer, 8 * params, params),
  };
}

// Keras's Adam constants (step.ts makeOptimizer).
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

export class ShardedAdam {
  private w: tf.Tensor;
  private m: tf.Tensor;
  private v: tf.Tensor;
  private accBeta: [number, number];
  private iterations: number;

  /** Takes slice [lo, hi) of the shared state, which holds the run's weights and moments now. */
  constructor(
    private readonly shared: SharedAdam,
    private readonly lo: number,
    private readonly hi: number,
    start: Pick<FlatAdamState, "accBeta" | "iterations">,
    private readonly weightDecay: number,
  ) {
    this.w = tf.tensor1d(shared.w.slice(lo, hi));
    this.m = tf.tensor1d(shared.m.slice(lo, hi));
    this.v = tf.tensor1d(shared.v.slice(lo, hi));
    this.accBeta = [...start.accBeta];
    this.iterations = start.iterations;
  }

  /**
   * One step on this replica's slice, given its summed gradient: AdamW's decoupled decay first
   * (w·(1 − lr·λ), as step.ts applyWeightDecay), then Adam; the new slice goes to shared memory.
   * Every replica calls it every step (for its own slice), so all keep the same accBeta.
   */
  update(grad: Float32Array, learningRate: number): void {
    const f = Math.fround;
    const attrs: AdamUpdateAttrs = {
      beta1: f(BETA1),
      oneMinusBeta1: f(1 - BETA1),
      beta2: f(BETA2),
      oneMinusBeta2: f(1 - BETA2),
      oneMinusAccBeta1: f(1 - this.accBeta[0]),
      oneMinusAccBeta2: f(1 - this.accBeta[1]),
      negLearningRate: f(-learningRate),
      epsilon: f(EPSILON),
    };
    if (this.hi > this.lo) {
      const next = tf.tidy(() => {
        const value = this.weightDecay > 0 ? tf.mul(this.w, 1 - learningRate * this.weightDecay) : this.w;
        const gradient = tf.tensor1d(grad);
        return tf
          .engine()
          .runKernel(
            ADAM_UPDATE,
            { value, gradient, m: this.m, v: this.v },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
      });
      tf.dispose([this.w, this.m, this.v]);
      [this.w, this.m, this.v] = next;
      // Straight from the heap (dataSync would copy each into a new buffer first).
      const backend = tf.backend() as unknown as BackendWasm;
      this.shared.w.set(view(backend, this.w), this.lo);
      this.shared.m.set(view(backend, this.m), this.lo);
      this.shared.v.set(view(backend, this.v), this.lo);
    }
    // As tfjs's accBeta.assign(mul(accBeta, beta)): float32 products.
    this.accBeta = [f(this.accBeta[0] * f(BETA1)), f(this.accBeta[1] * f(BETA2))];
    this.iterations++;
  }

  /** accBeta and the step count, for the main thread's optimizer (checkpoints). */
  progress(): Pick<FlatAdamState, "accBeta" | "iterations"> {
    return { accBeta: [...this.accBeta], iterations: this.iterations };
  }

  dispose(): void {
    tf.dispose([this.w, this.m, this.v]);
  }
}

/** Loads the shared weights into the variables (flat layout, `vars` order). */
export function loadSharedWeights(vars: tf.Variable[], w: Float32Array): void {
  let off = 0;
  tf.tidy(() => {
    for (const v of vars) {
      v.assign(tf.tensor(w.subarray(off, off + v.size), v.shape, "float32"));
      off += v.size;
    }
  });
}
