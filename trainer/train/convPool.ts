// The network's first Conv2D and the 2×2 max-pooling after it, as one layer with one gradient
// kernel (wasm backend only).
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
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset, simdKernels } from "../backend/simd";

export const CONV_POOL_GRAD = "CatwalkConv2DMaxPoolGrad";

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

function geometry(xShape: number[], filterShape: number[], pad: "same" | "valid"): Geometry {
  const info = tf.backend_util.computeConv2DInfo(
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

/**
 * dW[fh,fw,ci,co] and db[co] of y = maxPool2x2(conv(x, W) + b), given x, z = conv(x, W) + b and dy.
 * Exported for the kernel test; works on plain arrays.
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
          // First maximum wins, as in tfjs's MaxPoolGrad; `m !== m` moves off a NaN.
          let at = 0;
          let m = z[p00 + c];
          let v = z[p00 + CO + c];
          if (v > m || m !== m) {
            m = v;
            at = 1;
          }
          v = z[p00 + row + c];
          if (v > m || m !== m) {
            m = v;
            at = 2;
          }
          v = z[p00 + row + CO + c];
          if (v > m || m !== m) at = 3;
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

function wasmKernel(args: {
  inputs: Record<string, tf.TensorInfo>;
  backend: BackendWasm;
  attrs?: Record<string, unknown>;
}): tf.TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x, z, dy } = inputs;
  const filterShape = attrs!.filterShape as number[];
  const g = geometry(x.shape, filterShape, attrs!.pad as "same" | "valid");
  const dW = backend.makeOutput(filterShape, "float32");
  const db = backend.makeOutput([g.co], "float32");
  const simd = simdKernels();
  if (simd && g.co % 4 === 0) {
    // Scratch for the per-window candidate vectors: T taps × 4 winners × 4 lanes.
    const cand = backend.makeOutput([g.fh * g.fw * g.ci * 16], "float32");
    (backend.typedArrayFromHeap(dW) as Float32Array).fill(0);
    (backend.typedArrayFromHeap(db) as Float32Array).fill(0);
    const at = (t: tf.TensorInfo) => heapOffset(backend, t.dataId);
    simd.convPoolGrad(
      at(x),
      at(z),
      at(dy),
      at(dW),
      at(db),
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
    backend.disposeData(cand.dataId);
    return [dW, db];
  }
  // Views are taken after both allocations: an allocation may grow (and move) the wasm heap.
  const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  convPoolGrad(view(x), view(z), view(dy), g, view(dW), view(db));
  return [dW, db];
}

export function registerConvPoolKernel(): void {
  if (tf.getKernel(CONV_POOL_GRAD, "wasm")) return;
  tf.registerKernel({
    kernelName: CONV_POOL_GRAD,
    backendName: "wasm",
    kernelFunc: wasmKernel as unknown as tf.KernelFunc,
  });
}

export const convPoolAvailable = (): boolean =>
  tf.getBackend() === "wasm" && tf.getKernel(CONV_POOL_GRAD, "wasm") !== undefined;

/** y = maxPool2x2(conv(x, W) + b) with the fused gradient; x gets a zero gradient (see top). */
export function conv2dMaxPool(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D | null,
  pad: "same" | "valid",
): tf.Tensor4D {
  const grad = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [xs, z] = saved;
    const [dW, db] = tf
      .engine()
      .runKernel(
        CONV_POOL_GRAD,
        { x: xs, z, dy } as unknown as tf.NamedTensorMap,
        { filterShape: w.shape, pad } as unknown as tf.NamedAttrMap,
      ) as unknown as tf.Tensor[];
    const dx = tf.zerosLike(xs);
    if (b) return [dx, dW, db];
    db.dispose();
    return [dx, dW];
  };
  const forward = (xs: tf.Tensor4D, ws: tf.Tensor4D, bs: tf.Tensor1D | undefined, save: (t: tf.Tensor[]) => void) => {
    const z = tf.fused.conv2d({ x: xs, filter: ws, strides: 1, pad, bias: bs });
    save([xs, z]);
    return { value: tf.maxPool(z, 2, 2, "valid"), gradFunc: grad };
  };
  if (b) {
    return tf.customGrad((xs, ws, bs, save) =>
      forward(xs as tf.Tensor4D, ws as tf.Tensor4D, bs as tf.Tensor1D, save as unknown as (t: tf.Tensor[]) => void),
    )(x, w, b) as tf.Tensor4D;
  }
  return tf.customGrad((xs, ws, save) =>
    forward(xs as tf.Tensor4D, ws as tf.Tensor4D, undefined, save as unknown as (t: tf.Tensor[]) => void),
  )(x, w) as tf.Tensor4D;
}

type ConvArgs = ConstructorParameters<typeof tf.layers.Layer>[0] & Record<string, unknown>;

/**
 * Keras `Conv2D(activation='linear', strides=1) → MaxPooling2D(2)` as one layer with the same
 * weights (created by a real Conv2D's initializers, so seeds give the same values).
 */
export class Conv2DMaxPool extends tf.layers.Layer {
  static className = "CatwalkConv2DMaxPool";
  private readonly convArgs: ConvArgs;
  private readonly inner: tf.layers.Layer;
  private readonly pad: "same" | "valid";
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: {
    conv: ConvArgs;
    name?: string;
    batchInputShape?: number[];
    inputShape?: number[];
    trainable?: boolean;
  }) {
    super({
      name: args.name,
      batchInputShape: args.batchInputShape,
      inputShape: args.inputShape,
      trainable: args.trainable,
    });
    this.convArgs = args.conv;
    this.inner = tf.layers.conv2d({
      ...(args.conv as unknown as Parameters<typeof tf.layers.conv2d>[0]),
      name: `${this.name}__conv`,
      batchInputShape: undefined,
      inputShape: undefined,
    });
    this.pad = (args.conv.padding as "same" | "valid" | undefined) ?? "valid";
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inner = this.inner as unknown as {
      kernelSize: number[];
      filters: number;
      useBias: boolean;
      kernelInitializer: unknown;
      kernelRegularizer: unknown;
      kernelConstraint: unknown;
      biasInitializer: unknown;
      biasRegularizer: unknown;
      biasConstraint: unknown;
    };
    const add = this.addWeight.bind(this) as (...a: unknown[]) => tf.LayerVariable;
    this.kernel = add(
      "kernel",
      [inner.kernelSize[0], inner.kernelSize[1], s[s.length - 1], inner.filters],
      "float32",
      inner.kernelInitializer,
      inner.kernelRegularizer,
      true,
      inner.kernelConstraint,
    );
    if (inner.useBias)
      this.bias = add(
        "bias",
        [inner.filters],
        "float32",
        inner.biasInitializer,
        inner.biasRegularizer,
        true,
        inner.biasConstraint,
      );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const conv = this.inner.computeOutputShape(inputShape) as tf.Shape;
    const half = (d: number | null) => (d === null ? null : Math.floor(d / 2));
    return [conv[0], half(conv[1]), half(conv[2]), conv[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      return conv2dMaxPool(
        x,
        this.kernel!.read() as tf.Tensor4D,
        this.bias ? (this.bias.read() as tf.Tensor1D) : null,
        this.pad,
      );
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      conv: this.convArgs as tf.serialization.ConfigDictValue,
    } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(Conv2DMaxPool);

/** Layers (Keras JSON, after activations were moved past pools) without trainable weights. */
const WEIGHTLESS = new Set([
  "InputLayer",
  "Reshape",
  "Rescaling",
  "Dropout",
  "GaussianNoise",
  "Activation",
  "Permute",
  "ZeroPadding2D",
  "Cropping2D",
]);

const pair = (v: unknown): [number, number] | null =>
  typeof v === "number" ? [v, v] : Array.isArray(v) && v.length === 2 ? [Number(v[0]), Number(v[1])] : null;

/**
 * Rewrites the first weighted layer into a Conv2DMaxPool when it is a linear, stride-1,
 * undilated channels-last Conv2D directly followed by a 2×2/2 'valid' MaxPooling2D.
 * Returns whether it did.
 */
export function fuseFirstConvPool(layers: { class_name: string; config: Record<string, unknown> }[]): boolean {
  const i = layers.findIndex((l) => !WEIGHTLESS.has(l.class_name));
  if (i < 0 || i + 1 >= layers.length) return false;
  const conv = layers[i];
  const pool = layers[i + 1];
  if (conv.class_name !== "Conv2D" || pool.class_name !== "MaxPooling2D" || conv.config.trainable === false)
    return false;
  const c = conv.config;
  const p = pool.config;
  const ones = (v: unknown) => v === undefined || v === null || pair(v)?.every((d) => d === 1);
  const linear = c.activation === undefined || c.activation === null || c.activation === "linear";
  const lastChannels = (f: unknown) => f === undefined || f === null || f === "channels_last";
  const poolSize = pair(p.pool_size ?? [2, 2]);
  const poolStrides = p.strides === undefined || p.strides === null ? poolSize : pair(p.strides);
  const twoByTwo = (v: [number, number] | null) => v !== null && v[0] === 2 && v[1] === 2;
  const ok =
    linear &&
    ones(c.strides) &&
    ones(c.dilation_rate) &&
    (c.groups === undefined || c.groups === 1) &&
    lastChannels(c.data_format) &&
    lastChannels(p.data_format) &&
    (c.padding === "same" || c.padding === "valid" || c.padding === undefined) &&
    twoByTwo(poolSize) &&
    twoByTwo(poolStrides) &&
    (p.padding === undefined || p.padding === "valid");
  if (!ok) return false;
  const { batch_input_shape, input_shape, name, trainable: _trainable, ...convOnly } = c;
  layers.splice(i, 2, {
    class_name: Conv2DMaxPool.className,
    config: {
      name: `${String(name)}__${String(p.name)}`,
      ...(batch_input_shape ? { batch_input_shape } : {}),
      ...(input_shape ? { input_shape } : {}),
      conv: convOnly,
    },
  });
  return true;
}
