// The forward of the fused first Conv2D + 2×2 max-pool (trainer/train/convPool.ts; its gradient
// is Conv2DMaxPoolGrad.ts): z = conv(x, W) + b and y = maxPool2x2(z) in one pass, on the SIMD
// module. wasm's conv with a single input channel and then its MaxPool took ~1.0 + 0.6 ms for
// the report CNN at batch 32, the MaxPool re-reading all of z (1.6 M floats); here each window's
// four conv outputs are pooled while still in registers. z is still written, for the gradient.
import type { NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs";
import { heapOffset, simdKernels } from "../simd";
import { geometry } from "./Conv2DMaxPoolGrad";
import { alloc, dispose, zeros } from "./heap";
import { type WasmKernelArgs, wasmKernel } from "./wasm";

export const CONV_POOL = "CatwalkConv2DMaxPool";

/** x, the filter, and the bias when the layer has one. */
export type ConvPoolInputs = Pick<NamedTensorInfoMap, "x" | "filter"> & Partial<Pick<NamedTensorInfoMap, "bias">>;
export interface ConvPoolAttrs {
  pad: "same" | "valid";
}

/** Whether the kernel runs here: the SIMD module loaded, and four-channel groups of filters. */
export function convPoolForwardAvailable(filters: number): boolean {
  return simdKernels() !== null && filters % 4 === 0;
}

/** Returns [y, z]. */
function conv2DMaxPool({ inputs, backend, attrs }: WasmKernelArgs<ConvPoolInputs, ConvPoolAttrs>): TensorInfo[] {
  const { x, filter } = inputs;
  const simd = simdKernels();
  const g = geometry(x.shape, filter.shape, attrs.pad);
  if (!simd || g.co % 4 !== 0) throw new Error(`${CONV_POOL} needs the SIMD kernels and filters % 4 == 0`);
  const OH = Math.floor(g.outH / 2);
  const OW = Math.floor(g.outW / 2);
  const y = alloc(backend, [g.batch, OH, OW, g.co]);
  // The kernel writes z inside the pooling windows; an odd last row or column lies outside them.
  const z =
    g.outH % 2 || g.outW % 2
      ? zeros(backend, [g.batch, g.outH, g.outW, g.co])
      : alloc(backend, [g.batch, g.outH, g.outW, g.co]);
  const bias = inputs.bias ?? zeros(backend, [g.co]);
  const cand = alloc(backend, [g.fh * g.fw * g.ci * 16]);
  const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
  simd.convPoolForward(
    at(x),
    at(filter),
    at(bias),
    at(z),
    at(y),
    at(cand),
    g.batch,
    g.inH,
    g.inW,
    g.ci,
    g.outH,
    g.outW,
    g.co,
    g.fh,
    g.fw,
    g.padTop,
    g.padLeft,
  );
  dispose(backend, cand);
  if (!inputs.bias) dispose(backend, bias);
  return [y, z];
}

export const conv2DMaxPoolConfig = wasmKernel(CONV_POOL, conv2DMaxPool);
