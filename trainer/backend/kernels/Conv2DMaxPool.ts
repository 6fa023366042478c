// The forward of the fused first Conv2D + 2×2 max-pool [+ ReLU] (trainer/train/convPool.ts; its
// gradient is Conv2DMaxPoolGrad.ts) in one pass on the SIMD module: each window's four conv
// outputs are pooled while still in registers, and instead of z = conv(x, W) + b (the step's
// largest tensor: 1.6 M floats for the report CNN at batch 32) only the winner of each pooled
// value is kept for the gradient, 4× smaller. wasm's conv with one input channel, its MaxPool
// (re-reading z), the ReLU and its gradient's Step·Cast·Multiply took ~2.2 ms there.
import type { NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs";
import { heapOffset, simdKernels } from "../simd";
import { convPoolGeometry, geometry } from "./Conv2DMaxPoolGrad";
import { alloc, dispose, zeros } from "./heap";
import { type WasmKernelArgs, wasmKernel } from "./wasm";

export const CONV_POOL = "CatwalkConv2DMaxPool";

/** x, the filter, and the bias when the layer has one. */
export type ConvPoolInputs = Pick<NamedTensorInfoMap, "x" | "filter"> & Partial<Pick<NamedTensorInfoMap, "bias">>;
export interface ConvPoolAttrs {
  pad: "same" | "valid";
  /** ReLU after the pool (the layer's activation, moved past the pool by model.ts). */
  relu: boolean;
}

/** Whether the kernel runs here: the SIMD module loaded, and four-channel groups of filters. */
export function convPoolForwardAvailable(filters: number): boolean {
  return simdKernels() !== null && filters % 4 === 0;
}

/** Returns [y, win]: win (int32, y's shape) is the winning window position 0–3, or 4 where ReLU cut y. */
function conv2DMaxPool({ inputs, backend, attrs }: WasmKernelArgs<ConvPoolInputs, ConvPoolAttrs>): TensorInfo[] {
  const { x, filter } = inputs;
  const simd = simdKernels();
  const g = geometry(x.shape, filter.shape, attrs.pad);
  if (!simd || g.co % 4 !== 0) throw new Error(`${CONV_POOL} needs the SIMD kernels and filters % 4 == 0`);
  const OH = Math.floor(g.outH / 2);
  const OW = Math.floor(g.outW / 2);
  const y = alloc(backend, [g.batch, OH, OW, g.co]);
  const win = backend.makeOutput([g.batch, OH, OW, g.co], "int32");
  const bias = inputs.bias ?? zeros(backend, [g.co]);
  const cand = alloc(backend, [g.fh * g.fw * g.ci * 16]);
  const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
  simd.convPoolForward(
    at(x),
    at(filter),
    at(bias),
    at(win),
    at(y),
    at(cand),
    attrs.relu ? 1 : 0,
    ...convPoolGeometry(g),
  );
  dispose(backend, cand);
  if (!inputs.bias) dispose(backend, bias);
  return [y, win];
}

export const conv2DMaxPoolConfig = wasmKernel(CONV_POOL, conv2DMaxPool);
