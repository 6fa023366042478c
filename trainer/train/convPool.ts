// The network's first Conv2D and the 2×2 max-pooling after it, as one layer with one gradient
// kernel (wasm backend only). Why, and the kernel itself: trainer/backend/kernels/Conv2DMaxPoolGrad.ts.
import * as tf from "@tensorflow/tfjs";
import {
  CONV_POOL,
  CONV_POOL_GRAD,
  type ConvPoolAttrs,
  type ConvPoolGradAttrs,
  type ConvPoolGradInputs,
  convPoolForwardAvailable,
} from "../backend/kernels";

export const convPoolAvailable = (): boolean =>
  tf.getBackend() === "wasm" && tf.getKernel(CONV_POOL_GRAD, "wasm") !== undefined;

/**
 * y = maxPool2x2(conv(x, W) + b), then ReLU when `relu`, with the fused gradient. x gets a zero
 * gradient: the layer is only swapped in as the first weighted one, so nothing before it needs one.
 */
export function conv2dMaxPool(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D | null,
  pad: "same" | "valid",
  relu = false,
): tf.Tensor4D {
  const simd = convPoolForwardAvailable(w.shape[3]);
  const grad = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    // What the forward saved beside x: the winners (SIMD), or z itself.
    const [xs, s] = saved;
    const [dW, db] = tf
      .engine()
      .runKernel(CONV_POOL_GRAD, (simd ? { x: xs, win: s, dy } : { x: xs, z: s, dy }) satisfies ConvPoolGradInputs, {
        filterShape: w.shape,
        pad,
      } satisfies ConvPoolGradAttrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
    const dx = tf.zerosLike(xs);
    if (b) return [dx, dW, db];
    db.dispose();
    return [dx, dW];
  };
  const forward = (xs: tf.Tensor4D, ws: tf.Tensor4D, bs: tf.Tensor1D | undefined, save: (t: tf.Tensor[]) => void) => {
    if (simd) {
      // One pass on the SIMD module, ReLU included (trainer/backend/kernels/Conv2DMaxPool.ts).
      const [y, win] = tf.engine().runKernel(CONV_POOL, bs ? { x: xs, filter: ws, bias: bs } : { x: xs, filter: ws }, {
        pad,
        relu,
      } satisfies ConvPoolAttrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor4D[];
      save([xs, win]);
      return { value: y, gradFunc: grad };
    }
    const z = tf.fused.conv2d({ x: xs, filter: ws, strides: 1, pad, bias: bs });
    save([xs, z]);
    return { value: tf.maxPool(z, 2, 2, "valid"), gradFunc: grad };
  };
  const y = b
    ? tf.customGrad((xs, ws, bs, save) =>
        forward(xs as tf.Tensor4D, ws as tf.Tensor4D, bs as tf.Tensor1D, save as unknown as (t: tf.Tensor[]) => void),
      )(x, w, b)
    : tf.customGrad((xs, ws, save) =>
        forward(xs as tf.Tensor4D, ws as tf.Tensor4D, undefined, save as unknown as (t: tf.Tensor[]) => void),
      )(x, w);
  // Without the SIMD forward, the ReLU is tfjs's own, after the fused layer.
  return (relu && !simd ? tf.relu(y) : y) as tf.Tensor4D;
}

type ConvArgs = ConstructorParameters<typeof tf.layers.Layer>[0] & Record<string, unknown>;

/**
 * Keras `Conv2D(activation='linear', strides=1) → MaxPooling2D(2) [→ Activation('relu')]` as one
 * layer with the same weights (created by a real Conv2D's initializers, so seeds give the same
 * values).
 */
class Conv2DMaxPool extends tf.layers.Layer {
  static className = "CatwalkConv2DMaxPool";
  private readonly convArgs: ConvArgs;
  private readonly inner: tf.layers.Layer;
  private readonly pad: "same" | "valid";
  private readonly relu: boolean;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: {
    conv: ConvArgs;
    /** The ReLU that followed the pool, taken into the layer. */
    relu?: boolean;
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
    this.relu = args.relu === true;
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
        this.relu,
      );
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      conv: this.convArgs as tf.serialization.ConfigDictValue,
      relu: this.relu,
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
 * undilated channels-last Conv2D directly followed by a 2×2/2 'valid' MaxPooling2D (and takes a
 * ReLU after the pool with it).
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
  // A ReLU right after the pool (where model.ts moves the conv's own) joins the layer: its
  // gradient then costs nothing extra (the fused kernels record which outputs it cut).
  const next = layers[i + 2];
  const relu = next?.class_name === "Activation" && next.config.activation === "relu";
  layers.splice(i, relu ? 3 : 2, {
    class_name: Conv2DMaxPool.className,
    config: {
      name: `${String(name)}__${String(p.name)}`,
      ...(batch_input_shape ? { batch_input_shape } : {}),
      ...(input_shape ? { input_shape } : {}),
      conv: convOnly,
      relu,
    },
  });
  return true;
}
