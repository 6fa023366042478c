import { Tanh, type TanhInputs, type TensorInfo } from "@tensorflow/tfjs";
import { heapOffset, simdKernels } from "../simd";
import { alloc } from "./heap";
import { type StockKernels, type WasmKernelArgs, wasmKernel } from "./wasm";

/**
 * wasm's Tanh calls libm's scalar tanh per element (0.36 ms for the report CNN's 25 k values at
 * batch 32, more than its dense layers): the SIMD version, four at a time (kernels.wat).
 */
function tanh(args: WasmKernelArgs<TanhInputs, unknown>, stock: StockKernels): TensorInfo {
  const { inputs, backend } = args;
  const { x } = inputs;
  const n = x.shape.reduce((p, d) => p * d, 1);
  const simd = simdKernels();
  if (!simd || x.dtype !== "float32" || n < 4) return stock.tanh(args);
  const y = alloc(backend, x.shape);
  simd.tanh(heapOffset(backend, x.dataId), heapOffset(backend, y.dataId), n);
  return y;
}

export const tanhConfig = wasmKernel(Tanh, tanh);
