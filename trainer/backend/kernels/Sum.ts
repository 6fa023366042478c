import { Sum, type SumAttrs, type SumInputs, type TensorInfo, util } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { alloc, view } from "./heap";
import { type StockKernels, type WasmKernelArgs, wasmKernel } from "./wasm";

/** Sum over all leading axes (the bias gradient): one pass, per-channel accumulators. */
function sumLeading(backend: BackendWasm, x: TensorInfo, C: number, keepDims: boolean): TensorInfo {
  const rows = x.shape.reduce((a, b) => a * b, 1) / C;
  const acc = new Float64Array(C);
  const src = view(backend, x);
  for (let r = 0, o = 0; r < rows; r++, o += C) for (let c = 0; c < C; c++) acc[c] += src[o + c];
  const out = alloc(backend, keepDims ? x.shape.map((d, i) => (i === x.shape.length - 1 ? d : 1)) : [C]);
  view(backend, out).set(acc);
  return out;
}

function sum(args: WasmKernelArgs<SumInputs, SumAttrs>, stock: StockKernels): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x;
  const rank = x.shape.length;
  const axes = util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
  // wasm's Sum transposes the reduced axes to the end first; that copy dominates for bias grads.
  if (x.dtype === "float32" && rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i)) {
    return sumLeading(backend, x, x.shape[rank - 1], Boolean(attrs.keepDims));
  }
  return stock.sum(args);
}

export const sumConfig = wasmKernel(Sum, sum);
