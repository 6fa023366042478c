// One variable's Adam update as one kernel (used by trainer/train/fusedAdam.ts). tfjs's
// AdamOptimizer spends ~12 kernels per variable per step (multiplies by scalars, square, two
// divides, sqrt, adds, three assigns), each a dispatch and a pass over the tensor: ~1.2 ms per
// step for the report models' ~110 k parameters on wasm, a third of the MLP's step. This does
// the same float32 operations in the same order in one pass, so its results are bit-identical.
import type { NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs";
import { heapOffset, simdKernels } from "../simd";
import { alloc, view } from "./heap";
import { type WasmKernelArgs, wasmKernel } from "./wasm";

export const ADAM_UPDATE = "CatwalkAdamUpdate";

/** value, its gradient, and the first and second moments, all float32 of one shape. */
export type AdamUpdateInputs = Pick<NamedTensorInfoMap, "value" | "gradient" | "m" | "v">;
/** The scalars tfjs's Adam multiplies by, as float32 values (what its scalar tensors hold). */
export interface AdamUpdateAttrs {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** 1 − β1^t and 1 − β2^t, computed in float32 from the optimizer's accBeta variables. */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  negLearningRate: number;
  epsilon: number;
}

/** The kernel's arithmetic in JS (when the SIMD module did not load): one float32 rounding per operation. */
export function adamUpdateJs(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  outW: Float32Array,
  outM: Float32Array,
  outV: Float32Array,
  a: AdamUpdateAttrs,
): void {
  // Math.fround of the exact double result is the float32 operation's result (+, ×, ÷, √).
  const f = Math.fround;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * a.beta1) + f(gi * a.oneMinusBeta1));
    const vi = f(f(v[i] * a.beta2) + f(f(gi * gi) * a.oneMinusBeta2));
    outM[i] = mi;
    outV[i] = vi;
    const denom = f(f(Math.sqrt(f(vi / a.oneMinusAccBeta2))) + a.epsilon);
    outW[i] = f(f(f(f(mi / a.oneMinusAccBeta1) / denom) * a.negLearningRate) + w[i]);
  }
}

/** Returns [new value, new m, new v]. */
function adamUpdate({ inputs, backend, attrs: a }: WasmKernelArgs<AdamUpdateInputs, AdamUpdateAttrs>): TensorInfo[] {
  const { value, gradient, m, v } = inputs;
  const outs = [alloc(backend, value.shape), alloc(backend, value.shape), alloc(backend, value.shape)];
  const n = value.shape.reduce((p, d) => p * d, 1);
  const simd = simdKernels();
  if (simd) {
    const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
    simd.adam(
      at(value),
      at(gradient),
      at(m),
      at(v),
      at(outs[0]),
      at(outs[1]),
      at(outs[2]),
      n,
      a.beta1,
      a.oneMinusBeta1,
      a.beta2,
      a.oneMinusBeta2,
      a.oneMinusAccBeta1,
      a.oneMinusAccBeta2,
      a.negLearningRate,
      a.epsilon,
    );
    return outs;
  }
  const [w, g, m0, v0] = [value, gradient, m, v].map((t) => view(backend, t));
  const [ow, om, ov] = outs.map((t) => view(backend, t));
  adamUpdateJs(w, g, m0, v0, ow, om, ov, a);
  return outs;
}

export const adamUpdateConfig = wasmKernel(ADAM_UPDATE, adamUpdate);
