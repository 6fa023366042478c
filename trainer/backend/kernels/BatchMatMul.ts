import { BatchMatMul, type BatchMatMulAttrs, type BatchMatMulInputs, type TensorInfo } from "@tensorflow/tfjs";
import { simdMatMul } from "./gemm";
import { dispose, transposeLast2 } from "./heap";
import { matmul, type StockKernels, type WasmKernelArgs, wasmKernel } from "./wasm";

/**
 * Single products on the SIMD module (gemm.ts). Otherwise: wasm's BatchMatMul runs a naive loop
 * when an operand is transposed, so transpose first, then XNNPACK.
 */
export function batchMatMul(
  args: WasmKernelArgs<BatchMatMulInputs, BatchMatMulAttrs>,
  stock: StockKernels,
): TensorInfo {
  const { inputs, backend, attrs } = args;
  const transposeA = Boolean(attrs.transposeA);
  const transposeB = Boolean(attrs.transposeB);
  const simd = simdMatMul(backend, inputs.a, inputs.b, transposeA, transposeB);
  if (simd) return simd;
  if (!transposeA && !transposeB) return stock.batchMatMul(args);
  const { a, b } = inputs;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  // a·bᵀ with a big b (Dense backward: dy·Wᵀ): computing (b·aᵀ)ᵀ packs the small aᵀ instead of
  // the big bᵀ. Costs in floats touched: transpose ≈ 1, XNNPACK packing ≈ 4 (see Conv2DBackpropFilter).
  const single = a.shape.slice(0, -2).every((d) => d === 1) && b.shape.slice(0, -2).every((d) => d === 1);
  if (transposeB && !transposeA && single && m * k * 5 + n * m < n * k * 5) {
    const aT = transposeLast2(backend, { ...a, shape: [m, k] });
    const cT = matmul(stock, backend, { ...b, shape: [n, k] }, aT); // [n, m]
    const c = transposeLast2(backend, cT);
    dispose(backend, aT, cT);
    const outShape = [...(ra >= rb ? a.shape : b.shape).slice(0, -2), m, n];
    return { ...c, shape: outShape };
  }
  const a2 = transposeA ? transposeLast2(backend, a) : a;
  const b2 = transposeB ? transposeLast2(backend, b) : b;
  const out = matmul(stock, backend, a2, b2);
  if (transposeA) dispose(backend, a2);
  if (transposeB) dispose(backend, b2);
  return out;
}

export const batchMatMulConfig = wasmKernel(BatchMatMul, batchMatMul);
