// Replacement kernels for @tensorflow/tfjs-backend-wasm 4.22 (see shared NOTES §2):
//  - Conv2DBackpropFilter, DepthwiseConv2dNativeBackprop{Filter,Input}: missing on wasm.
//  - MaxPoolGrad: wasm's drops the gradient of windows whose maximum is negative (wrong).
//  - Conv2DBackpropInput: correct but 10–15× slower than an im2col + XNNPACK matmul.
//  - BatchMatMul with a transposed operand: naive loop on wasm; transpose first, then XNNPACK.
//
// Memory-bound reshuffling (im2col, col2im, pooling, transposes) is done in plain JS directly on
// the wasm heap, and the arithmetic goes to the backend's own XNNPACK matmul. That keeps each
// gradient to one or two kernel dispatches instead of dozens of tfjs ops.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { registerConvPoolKernel } from "../train/convPool";
import { heapOffset, simdKernels } from "./simd";

type TensorInfo = tf.TensorInfo;
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: BackendWasm; attrs?: Record<string, unknown> };
type KernelFn = (args: KernelArgs) => TensorInfo | TensorInfo[];

const { backend_util } = tf;

/** A Float32Array view of a tensor on the wasm heap. Re-take it after any allocation (heap may grow). */
function view(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

function alloc(backend: BackendWasm, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, "float32");
}

function zeros(backend: BackendWasm, shape: number[]): TensorInfo {
  const t = alloc(backend, shape);
  view(backend, t).fill(0);
  return t;
}

function dispose(backend: BackendWasm, ...ts: TensorInfo[]) {
  for (const t of ts) backend.disposeData(t.dataId);
}

let originalMatMul: KernelFn | null = null;

/** Plain (non-transposed) XNNPACK matmul of [m,k] × [k,n] → [m,n]. */
function matmul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  if (!originalMatMul) throw new Error("wasm kernels not installed");
  return originalMatMul({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
}

/** Transposes the last two axes of a [batch, r, c] buffer into a new tensor. */
function transposeLast2(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const s = x.shape;
  const r = s[s.length - 2];
  const c = s[s.length - 1];
  const batch = s.slice(0, -2).reduce((a, b) => a * b, 1);
  const out = alloc(backend, [...s.slice(0, -2), c, r]);
  const src = view(backend, x);
  const dst = view(backend, out);
  const plane = r * c;
  // Blocked so both sides stay in cache for large matrices.
  const B = 32;
  for (let p = 0; p < batch; p++) {
    const o = p * plane;
    for (let i0 = 0; i0 < r; i0 += B) {
      const i1 = Math.min(r, i0 + B);
      for (let j0 = 0; j0 < c; j0 += B) {
        const j1 = Math.min(c, j0 + B);
        for (let i = i0; i < i1; i++) {
          const si = o + i * c;
          for (let j = j0; j < j1; j++) dst[o + j * r + i] = src[si + j];
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function batchMatMul(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const transposeA = Boolean(attrs?.transposeA);
  const transposeB = Boolean(attrs?.transposeB);
  if (!transposeA && !transposeB) return originalMatMul!(args) as TensorInfo;
  const { a, b } = inputs;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  // a·bᵀ with a big b (Dense backward: dy·Wᵀ): computing (b·aᵀ)ᵀ packs the small aᵀ instead of
  // the big bᵀ. Costs in floats touched: transpose ≈ 1, XNNPACK packing ≈ 4 (see above).
  const single = a.shape.slice(0, -2).every((d) => d === 1) && b.shape.slice(0, -2).every((d) => d === 1);
  if (transposeB && !transposeA && single && m * k * 5 + n * m < n * k * 5) {
    const aT = transposeLast2(backend, { ...a, shape: [m, k] });
    const cT = originalMatMul!({
      inputs: { a: { ...b, shape: [n, k] }, b: aT },
      backend,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo; // [n, m]
    const c = transposeLast2(backend, cT);
    dispose(backend, aT, cT);
    const outShape = [...(ra >= rb ? a.shape : b.shape).slice(0, -2), m, n];
    return { ...c, shape: outShape };
  }
  const a2 = transposeA ? transposeLast2(backend, a) : a;
  const b2 = transposeB ? transposeLast2(backend, b) : b;
  const out = originalMatMul!({
    inputs: { a: a2, b: b2 },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as TensorInfo;
  if (transposeA) dispose(backend, a2);
  if (transposeB) dispose(backend, b2);
  void k;
  return out;
}

type ConvInfo = ReturnType<typeof backend_util.computeConv2DInfo>;

function convInfoFor(
  xShape: number[],
  filterShape: number[],
  attrs: Record<string, unknown>,
  depthwise = false,
): ConvInfo {
  const dataFormat = attrs.dataFormat === "NCHW" ? "channelsFirst" : "channelsLast";
  if (dataFormat !== "channelsLast") throw new Error("only NHWC is supported");
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    (attrs.dilations as [number, number] | number | undefined) ?? 1,
    attrs.pad as "valid" | "same" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    depthwise,
  );
}

/**
 * im2col into [N, K] (N = batch·outH·outW, K = fh·fw·inC), K ordered as the filter's
 * [fh, fw, inC] so that patches × filter[K, outC] is the forward conv. Out-of-image taps are 0.
 */
function im2col(backend: BackendWasm, x: TensorInfo, ci: ConvInfo, transposed: boolean): TensorInfo {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: C,
    outHeight,
    outWidth,
    filterHeight: FH,
    filterWidth: FW,
    strideHeight: SH,
    strideWidth: SW,
    dilationHeight: DH,
    dilationWidth: DW,
  } = ci;
  const pt = ci.padInfo.top;
  const pl = ci.padInfo.left;
  const N = batchSize * outHeight * outWidth;
  const K = FH * FW * C;
  const out = alloc(backend, transposed ? [K, N] : [N, K]);
  const src = view(backend, x);
  const dst = view(backend, out);
  let n = 0;
  for (let b = 0; b < batchSize; b++) {
    const xb = b * inHeight * inWidth * C;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, n++) {
        for (let kh = 0; kh < FH; kh++) {
          const ih = oh * SH - pt + kh * DH;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * SW - pl + kw * DW;
            const k0 = (kh * FW + kw) * C;
            const inside = ih >= 0 && ih < inHeight && iw >= 0 && iw < inWidth;
            const s0 = xb + (ih * inWidth + iw) * C;
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

function conv2DBackpropFilter(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const filterShape = attrs!.filterShape as number[];
  const ci = convInfoFor(x.shape, filterShape, attrs!);
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
    const dwT = matmul(backend, dyT, p); // [Co, K]
    dw = transposeLast2(backend, dwT);
    dispose(backend, p, dyT, dwT);
  } else {
    const pT = im2col(backend, x, ci, true);
    dw = matmul(backend, pT, dy2); // [K, Co]
    dispose(backend, pT);
  }
  return { ...dw, shape: filterShape };
}

function conv2DBackpropInput(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const inputShape = attrs!.inputShape as number[];
  const ci = convInfoFor(inputShape, filter.shape, attrs!);
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: C,
    outHeight,
    outWidth,
    filterHeight: FH,
    filterWidth: FW,
    strideHeight: SH,
    strideWidth: SW,
    dilationHeight: DH,
    dilationWidth: DW,
  } = ci;
  const N = batchSize * outHeight * outWidth;
  const K = FH * FW * C;
  const Co = ci.outChannels;
  // cols[N, K] = dy[N, Co] · Wᵀ[Co, K], then col2im scatters the columns back onto the image.
  const wT = transposeLast2(backend, { ...filter, shape: [K, Co] });
  const cols = matmul(backend, { ...dy, shape: [N, Co] }, wT);
  const dx = zeros(backend, inputShape);
  const pt = ci.padInfo.top;
  const pl = ci.padInfo.left;
  const simd = simdKernels();
  if (simd) {
    const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
    simd.col2im(at(cols), at(dx), batchSize, inHeight, inWidth, C, outHeight, outWidth, FH, FW, SH, SW, DH, DW, pt, pl);
    dispose(backend, wT, cols);
    return dx;
  }
  const src = view(backend, cols);
  const dst = view(backend, dx);
  let n = 0;
  for (let b = 0; b < batchSize; b++) {
    const xb = b * inHeight * inWidth * C;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, n++) {
        for (let kh = 0; kh < FH; kh++) {
          const ih = oh * SH - pt + kh * DH;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * SW - pl + kw * DW;
            if (iw < 0 || iw >= inWidth) continue;
            const s0 = n * K + (kh * FW + kw) * C;
            const d0 = xb + (ih * inWidth + iw) * C;
            for (let c = 0; c < C; c++) dst[d0 + c] += src[s0 + c];
          }
        }
      }
    }
  }
  dispose(backend, wT, cols);
  return dx;
}

/** Gradient of max pooling: each output's gradient goes to the first maximum of its window. */
function maxPoolGrad(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const ci = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs!.filterSize as [number, number] | number,
    attrs!.strides as [number, number] | number,
    1,
    attrs!.pad as "valid" | "same" | number,
    attrs!.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: C,
    outHeight,
    outWidth,
    strideHeight: SH,
    strideWidth: SW,
    filterHeight: FH,
    filterWidth: FW,
  } = ci;
  const pt = ci.padInfo.top;
  const pl = ci.padInfo.left;
  if (
    FH === 2 &&
    FW === 2 &&
    SH === 2 &&
    SW === 2 &&
    pt === 0 &&
    pl === 0 &&
    outHeight * 2 === inHeight &&
    outWidth * 2 === inWidth
  ) {
    const dx = alloc(backend, input.shape);
    maxPoolGrad2x2(
      view(backend, input),
      view(backend, dy),
      view(backend, dx),
      batchSize,
      inHeight,
      inWidth,
      C,
      outHeight,
      outWidth,
    );
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
  for (let b = 0; b < batchSize; b++) {
    const xb = b * inHeight * inWidth * C;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * SH - pt;
      for (let ow = 0; ow < outWidth; ow++, o += C) {
        const w0 = ow * SW - pl;
        best.fill(-Infinity);
        where.fill(-1);
        for (let kh = 0; kh < FH; kh++) {
          const ih = h0 + kh;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < FW; kw++) {
            const iw = w0 + kw;
            if (iw < 0 || iw >= inWidth) continue;
            const base = xb + (ih * inWidth + iw) * C;
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
// once (gradient or 0), so no zero-fill and no read-modify-write.
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
          let at = 0;
          let m = xs[p00 + c];
          // Strict `>` keeps the first maximum (as the cpu kernel does); `m !== m` moves off a NaN.
          let v = xs[p01 + c];
          if (v > m || m !== m) {
            m = v;
            at = 1;
          }
          v = xs[p10 + c];
          if (v > m || m !== m) {
            m = v;
            at = 2;
          }
          v = xs[p11 + c];
          if (v > m || m !== m) {
            m = v;
            at = 3;
          }
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

let originalSum: KernelFn | null = null;

function sum(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(attrs!.axis as number | number[], x.shape).sort((a, b) => a - b);
  // wasm's Sum transposes the reduced axes to the end first; that copy dominates for bias grads.
  if (x.dtype === "float32" && rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i)) {
    return sumLeading(backend, x, x.shape[rank - 1], Boolean(attrs!.keepDims));
  }
  return originalSum!(args) as TensorInfo;
}

/**
 * Visits every (input pixel, filter tap, output pixel) triple of a depthwise convolution, giving
 * the offsets of the first channel of each: both depthwise gradients are sums over these taps.
 */
function forEachDepthwiseTap(ci: ConvInfo, visit: (xo: number, fo: number, go: number) => void): void {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: C,
    outHeight,
    outWidth,
    filterHeight: FH,
    filterWidth: FW,
    strideHeight: SH,
    strideWidth: SW,
    dilationHeight: DH,
    dilationWidth: DW,
    outChannels: OC,
  } = ci;
  const M = OC / C;
  const pt = ci.padInfo.top;
  const pl = ci.padInfo.left;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const go = ((b * outHeight + oh) * outWidth + ow) * OC;
        for (let kh = 0; kh < FH; kh++) {
          const ih = oh * SH - pt + kh * DH;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * SW - pl + kw * DW;
            if (iw < 0 || iw >= inWidth) continue;
            visit(((b * inHeight + ih) * inWidth + iw) * C, (kh * FW + kw) * C * M, go);
          }
        }
      }
    }
  }
}

function depthwiseBackpropFilter(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const filterShape = attrs!.filterShape as number[];
  const ci = convInfoFor(x.shape, filterShape, attrs!, true);
  const C = ci.inChannels;
  const M = ci.outChannels / C;
  const dw = zeros(backend, filterShape);
  const xs = view(backend, x);
  const g = view(backend, dy);
  const d = view(backend, dw);
  forEachDepthwiseTap(ci, (xo, fo, go) => {
    for (let c = 0; c < C; c++) {
      const xv = xs[xo + c];
      for (let m = 0; m < M; m++) d[fo + c * M + m] += xv * g[go + c * M + m];
    }
  });
  return dw;
}

function depthwiseBackpropInput(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const inputShape = attrs!.inputShape as number[];
  const ci = convInfoFor(inputShape, filter.shape, attrs!, true);
  const C = ci.inChannels;
  const M = ci.outChannels / C;
  const dx = zeros(backend, inputShape);
  const f = view(backend, filter);
  const g = view(backend, dy);
  const d = view(backend, dx);
  forEachDepthwiseTap(ci, (xo, fo, go) => {
    for (let c = 0; c < C; c++) {
      let acc = 0;
      for (let m = 0; m < M; m++) acc += f[fo + c * M + m] * g[go + c * M + m];
      d[xo + c] += acc;
    }
  });
  return dx;
}

/** wasm's Identity copies the buffer; sharing it by reference count is what the cpu backend does. */
function identity(args: KernelArgs): TensorInfo {
  const { x } = args.inputs;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const REPLACED_KERNELS = [
  "Identity",
  "Sum",
  "BatchMatMul",
  "Conv2DBackpropFilter",
  "Conv2DBackpropInput",
  "MaxPoolGrad",
  "DepthwiseConv2dNativeBackpropFilter",
  "DepthwiseConv2dNativeBackpropInput",
] as const;

const IMPLS: Record<(typeof REPLACED_KERNELS)[number], KernelFn> = {
  Identity: identity,
  Sum: sum,
  BatchMatMul: batchMatMul,
  Conv2DBackpropFilter: conv2DBackpropFilter,
  Conv2DBackpropInput: conv2DBackpropInput,
  MaxPoolGrad: maxPoolGrad,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
};

let installed = false;

/**
 * Registers the replacements on the 'wasm' backend. Call after the wasm backend is initialised
 * (the original BatchMatMul's setup must have run, since the replacement delegates to it).
 */
export function installWasmKernels(): void {
  if (installed) return;
  const orig = tf.getKernel("BatchMatMul", "wasm");
  if (!orig) throw new Error("wasm backend not registered");
  originalMatMul = orig.kernelFunc as unknown as KernelFn;
  originalSum = tf.getKernel("Sum", "wasm")!.kernelFunc as unknown as KernelFn;
  for (const name of REPLACED_KERNELS) {
    if (tf.getKernel(name, "wasm")) tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: IMPLS[name] as unknown as tf.KernelFunc });
  }
  registerConvPoolKernel();
  installed = true;
}
