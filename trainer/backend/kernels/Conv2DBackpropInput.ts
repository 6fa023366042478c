import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type TensorInfo,
} from "@tensorflow/tfjs";
import { heapOffset, simdKernels } from "../simd";
import { type ConvAttrs, convGeometry, convInfoFor, forEachTap, windows } from "./conv";
import { dispose, transposeLast2, view, zeros } from "./heap";
import { matmul, type StockKernels, type WasmKernelArgs, wasmKernel } from "./wasm";

type Args = WasmKernelArgs<Conv2DBackpropInputInputs, Conv2DBackpropInputAttrs & ConvAttrs>;

/**
 * wasm's is correct but 10–15× slower than this. With four-channel groups of input channels: the
 * SIMD kernel, which adds dy·Wᵀ tap by tap straight onto dx (no [N, K] columns to write and read
 * back). Otherwise one XNNPACK matmul, then col2im.
 */
function conv2DBackpropInput({ inputs, backend, attrs }: Args, stock: StockKernels): TensorInfo {
  const { dy, filter } = inputs;
  const inputShape = attrs.inputShape;
  const ci = convInfoFor(inputShape, filter.shape, attrs);
  const { B, H, W, C, OH, OW, CO, FH, FW, SH, SW, DH, DW, pt, pl } = windows(ci);
  const simd = simdKernels();
  const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
  if (simd && C % 4 === 0) {
    const wT = transposeLast2(backend, { ...filter, shape: [FH * FW, C, CO] }); // [tap][co][ci]
    const dx = zeros(backend, inputShape);
    simd.convInputGrad(at(dx), at(dy), at(wT), ...convGeometry(ci));
    dispose(backend, wT);
    return dx;
  }
  const N = B * OH * OW;
  const K = FH * FW * C;
  // cols[N, K] = dy[N, Co] · Wᵀ[Co, K], then col2im scatters the columns back onto the image.
  const wT = transposeLast2(backend, { ...filter, shape: [K, CO] });
  const cols = matmul(stock, backend, { ...dy, shape: [N, CO] }, wT);
  const dx = zeros(backend, inputShape);
  if (simd) {
    simd.col2im(at(cols), at(dx), B, H, W, C, OH, OW, FH, FW, SH, SW, DH, DW, pt, pl);
    dispose(backend, wT, cols);
    return dx;
  }
  const src = view(backend, cols);
  const dst = view(backend, dx);
  forEachTap(ci, (xo, tap, n) => {
    const s0 = n * K + tap * C;
    for (let c = 0; c < C; c++) dst[xo + c] += src[s0 + c];
  });
  dispose(backend, wT, cols);
  return dx;
}

export const conv2DBackpropInputConfig = wasmKernel(Conv2DBackpropInput, conv2DBackpropInput);
