import {
  backend_util,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type MaxPoolGradInputs,
  type TensorInfo,
} from "@tensorflow/tfjs";
import { heapOffset, simdKernels } from "../simd";
import { windows } from "./conv";
import { alloc, view, zeros } from "./heap";
import { firstMaxOf4 } from "./pool";
import { type WasmKernelArgs, wasmKernel } from "./wasm";

/**
 * Gradient of max pooling: each output's gradient goes to the first maximum of its window.
 * wasm's own drops the gradient of every window whose maximum is negative.
 */
function maxPoolGrad({ inputs, backend, attrs }: WasmKernelArgs<MaxPoolGradInputs, MaxPoolGradAttrs>): TensorInfo {
  const { dy, input } = inputs;
  const ci = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { B, H, W, C, OH, OW, SH, SW, FH, FW, pt, pl } = windows(ci);
  if (FH === 2 && FW === 2 && SH === 2 && SW === 2 && pt === 0 && pl === 0 && OH * 2 === H && OW * 2 === W) {
    const dx = alloc(backend, input.shape);
    const simd = simdKernels();
    if (simd && C % 4 === 0) {
      const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
      simd.maxPoolGrad2x2(at(input), at(dy), at(dx), B, OH, OW, C);
      return dx;
    }
    maxPoolGrad2x2(view(backend, input), view(backend, dy), view(backend, dx), B, H, W, C, OH, OW);
    return dx;
  }
  const dx = zeros(backend, input.shape);
  const xs = view(backend, input);
  const g = view(backend, dy);
  const d = view(backend, dx);
  // Per output pixel, track the running max and its offset for all channels at once, so the
  // inner loops walk contiguous channel vectors.
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  let o = 0;
  for (let b = 0; b < B; b++) {
    const xb = b * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * SH - pt;
      for (let ow = 0; ow < OW; ow++, o += C) {
        const w0 = ow * SW - pl;
        best.fill(-Infinity);
        where.fill(-1);
        for (let kh = 0; kh < FH; kh++) {
          const ih = h0 + kh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < FW; kw++) {
            const iw = w0 + kw;
            if (iw < 0 || iw >= W) continue;
            const base = xb + (ih * W + iw) * C;
            for (let c = 0; c < C; c++) {
              const v = xs[base + c];
              // NaN inputs: keep the first tap so the gradient still lands somewhere in-window.
              if (v > best[c] || where[c] < 0) {
                best[c] = v;
                where[c] = base + c;
              }
            }
          }
        }
        for (let c = 0; c < C; c++) if (where[c] >= 0) d[where[c]] += g[o + c];
      }
    }
  }
  return dx;
}

// The common 2×2/2 case where the windows tile the input exactly: every input element is written
// once (gradient or 0), so no zero-fill and no read-modify-write. (kernels.wat's maxPoolGrad2x2 is
// its SIMD twin, four channels at a time.)
function maxPoolGrad2x2(
  xs: Float32Array,
  g: Float32Array,
  d: Float32Array,
  B: number,
  H: number,
  W: number,
  C: number,
  OH: number,
  OW: number,
): void {
  const row = W * C;
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      let p00 = b * H * row + 2 * oh * row;
      for (let ow = 0; ow < OW; ow++, p00 += 2 * C) {
        const p01 = p00 + C;
        const p10 = p00 + row;
        const p11 = p10 + C;
        for (let c = 0; c < C; c++, o++) {
          const at = firstMaxOf4(xs[p00 + c], xs[p01 + c], xs[p10 + c], xs[p11 + c]);
          const gv = g[o];
          d[p00 + c] = at === 0 ? gv : 0;
          d[p01 + c] = at === 1 ? gv : 0;
          d[p10 + c] = at === 2 ? gv : 0;
          d[p11 + c] = at === 3 ? gv : 0;
        }
      }
    }
  }
}

export const maxPoolGradConfig = wasmKernel(MaxPoolGrad, maxPoolGrad);
