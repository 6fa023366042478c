// Single matrix products on the SIMD module (kernels.wat's matmul), for BatchMatMul and
// _FusedMatMul. XNNPACK's matmul on wasm repacks its second operand on every call, which for a
// Dense layer is its weight matrix, every step (~10 ns per float: ~0.8 ms of the report models'
// 784×128 layer per product); the SIMD kernel reads both operands in place.
import type { TensorInfo } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset, simdKernels } from "../simd";
import { alloc, dispose, transposeLast2, view } from "./heap";

const size = (t: TensorInfo) => t.shape.reduce((p, d) => p * d, 1);

/**
 * op(a)·op(b) (+ bias along the last axis) for operands whose leading (batch) dimensions are
 * all 1, or null where the kernel does not apply (batched products, an output whose rows are not
 * made of four-float vectors, other biases).
 */
export function simdMatMul(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias?: TensorInfo,
): TensorInfo | null {
  const simd = simdKernels();
  if (!simd || a.dtype !== "float32" || b.dtype !== "float32") return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (!a.shape.slice(0, -2).every((d) => d === 1) || !b.shape.slice(0, -2).every((d) => d === 1)) return null;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (bias && (bias.dtype !== "float32" || size(bias) !== n)) return null;
  const outShape = [...(ra >= rb ? a.shape : b.shape).slice(0, -2), m, n];
  const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
  const withBias = (c: TensorInfo) => {
    const out = view(backend, c);
    if (!bias) return out.fill(0);
    const bv = view(backend, bias).slice(0, n);
    for (let o = 0; o < out.length; o += n) out.set(bv, o);
    return out;
  };
  if (!transposeB) {
    if (n % 4 !== 0) return null;
    const c = alloc(backend, outShape);
    withBias(c);
    // a's element (i, j) is at i·k + j, or at j·m + i when a is stored transposed.
    simd.matmul(at(a), at(b), at(c), m, k, n, transposeA ? 1 : k, transposeA ? m : 1);
    return c;
  }
  // a·bᵀ (a Dense layer's input gradient dy·Wᵀ) as (b·aᵀ)ᵀ: b is read in place as the kernel's
  // strided first operand; only the small aᵀ and the result are transposed. (aᵀ·bᵀ = (b·a)ᵀ
  // needs no transpose of a.)
  if (m % 4 !== 0) return null;
  const aT = transposeA ? a : transposeLast2(backend, { ...a, shape: [m, k] }); // [k, m]
  const cT = alloc(backend, [n, m]);
  view(backend, cT).fill(0);
  simd.matmul(at(b), at(aT), at(cT), n, k, m, k, 1);
  const c = transposeLast2(backend, { ...cT, shape: [n, m] }); // [m, n]
  if (!transposeA) dispose(backend, aT);
  dispose(backend, cT);
  if (bias) {
    const out = view(backend, c);
    const bv = view(backend, bias).slice(0, n);
    for (let o = 0; o < out.length; o += n) for (let j = 0; j < n; j++) out[o + j] += bv[j];
  }
  return { ...c, shape: outShape };
}
