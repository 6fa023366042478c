// The gradient of the first Conv2D and the 2×2 max-pooling after it, as one kernel (the layer that
// uses it is trainer/train/convPool.ts).
//
// Why: in a CNN the first conv's output is the largest tensor of the step (report CNN: 32×28×28×64
// = 1.6 M floats per batch of 32), and backpropagating through conv → pool separately streams it
// four times: MaxPoolGrad writes a dense gradient that is ¾ zeros, the bias gradient sums it, the
// filter gradient transposes it for a matmul, and the input gradient is computed for the images
// (the fused conv op's gradient always returns all three). That was 47 % of the report CNN's
// step on wasm. Fused, each pooled gradient goes straight to the one conv output that won its
// window: the filter and bias gradients become a single pass over the pooled gradient, and no
// input gradient is made because nothing before the first weighted layer has weights.
//
// The gradient is exactly that of Conv2D followed by MaxPooling2D with tfjs's first-maximum rule
// (checked against the cpu backend in wasmKernels.test.ts).
import { backend_util, type NamedTensorInfoMap, type TensorInfo } from "@tensorflow/tfjs";
import { heapOffset, simdKernels } from "../simd";
import { firstMaxOf4 } from "./pool";
import { type WasmKernelArgs, wasmKernel } from "./wasm";

export const CONV_POOL_GRAD = "CatwalkConv2DMaxPoolGrad";

/**
 * x: the conv's input, dy: the pooled gradient, and which of the pool's inputs won each window:
 * `win` from the SIMD forward (Conv2DMaxPool.ts), or z = conv(x, W) + b itself (the JS path).
 */
export type ConvPoolGradInputs = Pick<NamedTensorInfoMap, "x" | "dy"> & Partial<Pick<NamedTensorInfoMap, "z" | "win">>;
export interface ConvPoolGradAttrs {
  filterShape: [number, number, number, number];
  pad: "same" | "valid";
}

interface Geometry {
  batch: number;
  inH: number;
  inW: number;
  ci: number;
  /** conv output = pool input */
  outH: number;
  outW: number;
  co: number;
  fh: number;
  fw: number;
  padTop: number;
  padLeft: number;
}

export function geometry(xShape: number[], filterShape: number[], pad: "same" | "valid"): Geometry {
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    1,
    1,
    pad,
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    ci: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    co: info.outChannels,
    fh: info.filterHeight,
    fw: info.filterWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** The SIMD conv + pool kernels' geometry arguments, in kernels.wat's order (after their offsets). */
export type ConvPoolGeometry = [
  B: number,
  inH: number,
  inW: number,
  CI: number,
  outH: number,
  outW: number,
  CO: number,
  FH: number,
  FW: number,
  padTop: number,
  padLeft: number,
];

export function convPoolGeometry(g: Geometry): ConvPoolGeometry {
  return [g.batch, g.inH, g.inW, g.ci, g.outH, g.outW, g.co, g.fh, g.fw, g.padTop, g.padLeft];
}

/**
 * dW[fh,fw,ci,co] and db[co] of y = maxPool2x2(conv(x, W) + b), given x, z = conv(x, W) + b and dy.
 * The JS twin of kernels.wat's SIMD version (which gets the winners from the SIMD forward instead
 * of z), for when that can't run (no SIMD, channels not a multiple of 4); exported for the test.
 */
export function convPoolGrad(
  x: Float32Array,
  z: Float32Array,
  dy: Float32Array,
  g: Geometry,
  dW: Float32Array,
  db: Float32Array | null,
): void {
  const { batch, inH, inW, ci: CI, outH, outW, co: CO, fh: FH, fw: FW, padTop, padLeft } = g;
  const OH = Math.floor(outH / 2);
  const OW = Math.floor(outW / 2);
  // Every channel's winner in a window reads taps from the same (FH+1)×(FW+1)×CI patch of x:
  // gathering it once per window (zeros outside the image) takes the bounds checks and the
  // index arithmetic out of the per-channel loop, which is what JS spends its time on here.
  const T = FH * FW * CI;
  const PW = (FW + 1) * CI;
  const patch = new Float64Array((FH + 1) * PW);
  const tapOff = new Int32Array(T);
  for (let kh = 0; kh < FH; kh++)
    for (let kw = 0; kw < FW; kw++)
      for (let k = 0; k < CI; k++) tapOff[(kh * FW + kw) * CI + k] = kh * PW + kw * CI + k;
  const winnerOff = [0, CI, PW, PW + CI];
  // Double accumulators: each weight sums up to batch·OH·OW terms.
  const accW = new Float64Array(T * CO);
  const accB = new Float64Array(CO);
  const row = outW * CO;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let ph = 0; ph <= FH; ph++) {
          const ih = 2 * oh + ph - padTop;
          for (let pw = 0; pw <= FW; pw++) {
            const iw = 2 * ow + pw - padLeft;
            const d = ph * PW + pw * CI;
            if (ih < 0 || ih >= inH || iw < 0 || iw >= inW) for (let k = 0; k < CI; k++) patch[d + k] = 0;
            else {
              const xo = ((b * inH + ih) * inW + iw) * CI;
              for (let k = 0; k < CI; k++) patch[d + k] = x[xo + k];
            }
          }
        }
        const p00 = ((b * outH + 2 * oh) * outW + 2 * ow) * CO;
        for (let c = 0; c < CO; c++, o++) {
          const gv = dy[o];
          const at = firstMaxOf4(z[p00 + c], z[p00 + CO + c], z[p00 + row + c], z[p00 + row + CO + c]);
          accB[c] += gv;
          const base = winnerOff[at];
          for (let t = 0; t < T; t++) accW[t * CO + c] += gv * patch[base + tapOff[t]];
        }
      }
    }
  }
  dW.set(accW);
  db?.set(accB);
}

function conv2DMaxPoolGrad(args: WasmKernelArgs<ConvPoolGradInputs, ConvPoolGradAttrs>): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x, z, win, dy } = inputs;
  const filterShape = attrs.filterShape;
  const g = geometry(x.shape, filterShape, attrs.pad);
  const dW = backend.makeOutput(filterShape, "float32");
  const db = backend.makeOutput([g.co], "float32");
  const simd = simdKernels();
  if (win) {
    if (!simd) throw new Error(`${CONV_POOL_GRAD}: winners come from the SIMD forward, which needs the SIMD kernels`);
    // Scratch for the per-window candidate vectors: T taps × 4 winners × 4 lanes.
    const cand = backend.makeOutput([g.fh * g.fw * g.ci * 16], "float32");
    (backend.typedArrayFromHeap(dW) as Float32Array).fill(0);
    (backend.typedArrayFromHeap(db) as Float32Array).fill(0);
    const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
    simd.convPoolGrad(at(x), at(win), at(dy), at(dW), at(db), at(cand), ...convPoolGeometry(g));
    backend.disposeData(cand.dataId);
    return [dW, db];
  }
  if (!z) throw new Error(`${CONV_POOL_GRAD} needs z or win`);
  // Views are taken after both allocations: an allocation may grow (and move) the wasm heap.
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  convPoolGrad(view(x), view(z), view(dy), g, view(dW), view(db));
  return [dW, db];
}

export const conv2DMaxPoolGradConfig = wasmKernel(CONV_POOL_GRAD, conv2DMaxPoolGrad);
