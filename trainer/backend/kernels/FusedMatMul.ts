import { _FusedMatMul, type _FusedMatMulAttrs, type _FusedMatMulInputs, type TensorInfo } from "@tensorflow/tfjs";
import { batchMatMul } from "./BatchMatMul";
import { simdMatMul } from "./gemm";
import { view } from "./heap";
import { type StockKernels, type WasmKernelArgs, wasmKernel } from "./wasm";

/**
 * A Dense layer's a·W + b without an activation (training graphs apply it separately): on the
 * SIMD module where it applies, else our BatchMatMul plus the bias. wasm's own _FusedMatMul is
 * wrong with a bias when an operand is transposed or the product is batched
 * (wasmKernels.test.ts), so it only gets activations and PReLU.
 */
function fusedMatMul(args: WasmKernelArgs<_FusedMatMulInputs, _FusedMatMulAttrs>, stock: StockKernels): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { a, b, bias } = inputs;
  const transposeA = Boolean(attrs.transposeA);
  const transposeB = Boolean(attrs.transposeB);
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const plain = (attrs.activation ?? "linear") === "linear" && !inputs.preluActivationWeights;
  if (!plain || (bias && (bias.dtype !== "float32" || bias.shape.reduce((p, d) => p * d, 1) !== n)))
    return stock.fusedMatMul(args);
  const simd = simdMatMul(backend, a, b, transposeA, transposeB, bias);
  if (simd) return simd;
  const out = batchMatMul({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } }, stock);
  if (bias) {
    const o = view(backend, out);
    const bv = view(backend, bias).slice(0, n);
    for (let r = 0; r < o.length; r += n) for (let j = 0; j < n; j++) o[r + j] += bv[j];
  }
  return out;
}

export const fusedMatMulConfig = wasmKernel(_FusedMatMul, fusedMatMul);
