import {
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type TensorInfo,
} from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset, simdKernels } from "../simd";
import { type ConvAttrs, type ConvInfo, convGeometry, convInfoFor, windows } from "./conv";
import { alloc, dispose, transposeLast2, view, zeros } from "./heap";
import { matmul, type StockKernels, type WasmKernelArgs, wasmKernel } from "./wasm";

/**
 * im2col into [N, K] (N = batch·outH·outW, K = fh·fw·inC), K ordered as the filter's
 * [fh, fw, inC] so that patches × filter[K, outC] is the forward conv. Out-of-image taps are 0.
 */
function im2col(backend: BackendWasm, x: TensorInfo, ci: ConvInfo, transposed: boolean): TensorInfo {
  const { B, H, W, C, OH, OW, FH, FW, SH, SW, DH, DW, pt, pl } = windows(ci);
  const N = B * OH * OW;
  const K = FH * FW * C;
  const out = alloc(backend, transposed ? [K, N] : [N, K]);
  const src = view(backend, x);
  const dst = view(backend, out);
  let n = 0;
  for (let b = 0; b < B; b++) {
    const xb = b * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, n++) {
        for (let kh = 0; kh < FH; kh++) {
          const ih = oh * SH - pt + kh * DH;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * SW - pl + kw * DW;
            const k0 = (kh * FW + kw) * C;
            const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
            const s0 = xb + (ih * W + iw) * C;
            if (transposed) {
              if (inside) for (let c = 0; c < C; c++) dst[(k0 + c) * N + n] = src[s0 + c];
              else for (let c = 0; c < C; c++) dst[(k0 + c) * N + n] = 0;
            } else {
              const d0 = n * K + k0;
              // Channel runs are contiguous on both sides: memcpy beats a JS loop from ~8 floats.
              if (inside) {
                if (C >= 8) dst.set(src.subarray(s0, s0 + C), d0);
                else for (let c = 0; c < C; c++) dst[d0 + c] = src[s0 + c];
              } else dst.fill(0, d0, d0 + C);
            }
          }
        }
      }
    }
  }
  return out;
}

type Args = WasmKernelArgs<Conv2DBackpropFilterInputs, Conv2DBackpropFilterAttrs & ConvAttrs>;

/**
 * Missing on wasm. With four-channel groups of input channels: the SIMD kernel, which sums
 * x·dy tap by tap straight from the tensors (no im2col: building the patches cost more than the
 * matmul on them). Otherwise im2col, then one XNNPACK matmul with dy.
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: Args, stock: StockKernels): TensorInfo {
  const { x, dy } = inputs;
  const filterShape = attrs.filterShape;
  const ci = convInfoFor(x.shape, filterShape, attrs);
  const simd = simdKernels();
  if (simd && ci.inChannels % 4 === 0) {
    const { C, CO, FH, FW } = windows(ci);
    const dwT = zeros(backend, [FH * FW, CO, C]);
    const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
    simd.convFilterGrad(at(x), at(dy), at(dwT), ...convGeometry(ci));
    const dw = transposeLast2(backend, dwT); // [FH·FW, C, CO]
    dispose(backend, dwT);
    return { ...dw, shape: filterShape };
  }
  const N = ci.batchSize * ci.outHeight * ci.outWidth;
  const K = ci.filterHeight * ci.filterWidth * ci.inChannels;
  const Co = ci.outChannels;
  const dy2 = { ...dy, shape: [N, Co] };
  let dw: TensorInfo;
  // XNNPACK repacks the second matmul operand on every call (it is a fresh tensor each step), at
  // ~10 ns per float, while a JS transpose costs ~2 ns: so the smaller of patches [N, K] and
  // dy [N, Co] goes second, and the first operand is built already transposed.
  if (K < Co) {
    const p = im2col(backend, x, ci, false);
    const dyT = transposeLast2(backend, dy2);
    const dwT = matmul(stock, backend, dyT, p); // [Co, K]
    dw = transposeLast2(backend, dwT);
    dispose(backend, p, dyT, dwT);
  } else {
    const pT = im2col(backend, x, ci, true);
    dw = matmul(stock, backend, pT, dy2); // [K, Co]
    dispose(backend, pT);
  }
  return { ...dw, shape: filterShape };
}

export const conv2DBackpropFilterConfig = wasmKernel(Conv2DBackpropFilter, conv2DBackpropFilter);
