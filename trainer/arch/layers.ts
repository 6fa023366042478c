// Shape inference, parameter and FLOP counting for the layer classes Catwalk trains.
// Pure TypeScript: shared by the trainer and the browser's live layer builder.
//
// Shapes exclude the batch dimension and are channels-last, as Keras and tfjs-layers use them.
// FLOPs count one multiply-add as 2 FLOPs, forward pass, per sample (what papers and Keras
// profilers report); element-wise ops count 1 per element.

export type Shape = number[];
export type Config = Record<string, unknown>;

/** A problem with one field of one layer; turned into an ArchError by the parser. */
export class FieldIssue extends Error {
  constructor(
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

export interface LayerResult {
  out: Shape;
  params: number;
  /** Parameters not updated by the optimizer (BatchNormalization moving statistics). */
  nonTrainable?: number;
  flops: number;
}

export interface LayerSpec {
  infer(input: Shape, cfg: Config): LayerResult;
}

/** Activations tfjs-layers implements, keyed by the spellings Keras writes. Values: tfjs names. */
export const ACTIVATIONS: Record<string, string> = {
  linear: "linear",
  relu: "relu",
  relu6: "relu6",
  elu: "elu",
  selu: "selu",
  sigmoid: "sigmoid",
  hard_sigmoid: "hardSigmoid",
  hardSigmoid: "hardSigmoid",
  tanh: "tanh",
  softmax: "softmax",
  log_softmax: "logSoftmax",
  logSoftmax: "logSoftmax",
  softplus: "softplus",
  softsign: "softsign",
  swish: "swish",
  silu: "swish",
  mish: "mish",
  gelu: "gelu",
};

// ---------------------------------------------------------------------------------------------
// Field readers: every rejection names the field and says what was expected.

const isNum = (v: unknown): v is number => typeof v === "number";

function checkFinite(field: string, v: unknown): void {
  if (isNum(v) && !Number.isFinite(v)) throw new FieldIssue(field, `must be a finite number, got ${v}`);
}

export function readInt(cfg: Config, field: string, opts: { min?: number; max?: number; def?: number } = {}): number {
  const v = cfg[field] ?? opts.def;
  if (v === undefined) throw new FieldIssue(field, "is required");
  checkFinite(field, v);
  if (!isNum(v) || !Number.isInteger(v)) throw new FieldIssue(field, `must be an integer, got ${JSON.stringify(v)}`);
  if (opts.min !== undefined && v < opts.min) throw new FieldIssue(field, `must be ≥ ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) throw new FieldIssue(field, `must be ≤ ${opts.max}, got ${v}`);
  return v;
}

export function readNumber(
  cfg: Config,
  field: string,
  opts: { min?: number; max?: number; def?: number; minExclusive?: boolean } = {},
): number {
  const v = cfg[field] ?? opts.def;
  if (v === undefined) throw new FieldIssue(field, "is required");
  checkFinite(field, v);
  if (!isNum(v)) throw new FieldIssue(field, `must be a number, got ${JSON.stringify(v)}`);
  if (opts.min !== undefined && (opts.minExclusive ? v <= opts.min : v < opts.min)) {
    throw new FieldIssue(field, `must be ${opts.minExclusive ? ">" : "≥"} ${opts.min}, got ${v}`);
  }
  if (opts.max !== undefined && v > opts.max) throw new FieldIssue(field, `must be ≤ ${opts.max}, got ${v}`);
  return v;
}

/** Reads an int or a list of `n` ints (Keras accepts `kernel_size: 3` and `[3, 3]`). */
export function readTuple(
  cfg: Config,
  field: string,
  n: number,
  opts: { min?: number; def?: number | number[] } = {},
): number[] {
  const v = cfg[field] ?? opts.def;
  if (v === undefined || v === null) throw new FieldIssue(field, "is required");
  const list = Array.isArray(v) ? v : Array(n).fill(v);
  if (list.length !== n)
    throw new FieldIssue(field, `must be an integer or a list of ${n} integers, got ${JSON.stringify(v)}`);
  const min = opts.min ?? 1;
  for (const x of list) {
    checkFinite(field, x);
    if (!isNum(x) || !Number.isInteger(x)) throw new FieldIssue(field, `must hold integers, got ${JSON.stringify(v)}`);
    if (x < min) throw new FieldIssue(field, `must be ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return list as number[];
}

function readEnum<T extends string>(cfg: Config, field: string, allowed: readonly T[], def: T): T {
  const v = cfg[field] ?? def;
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    throw new FieldIssue(field, `must be one of ${allowed.map((a) => `'${a}'`).join(", ")}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

function readBool(cfg: Config, field: string, def: boolean): boolean {
  const v = cfg[field] ?? def;
  if (typeof v !== "boolean") throw new FieldIssue(field, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** Validates an activation field; returns FLOPs per element (rough, for the estimate only). */
export function readActivation(cfg: Config, field = "activation"): string {
  const v = cfg[field] ?? "linear";
  if (typeof v !== "string") throw new FieldIssue(field, `must be an activation name, got ${JSON.stringify(v)}`);
  if (!(v in ACTIVATIONS)) {
    const names = [...new Set(Object.keys(ACTIVATIONS))].sort().join(", ");
    throw new FieldIssue(field, `unknown activation '${v}' (supported: ${names})`);
  }
  return v;
}

function channelsLast(cfg: Config): void {
  const v = cfg.data_format;
  if (v !== undefined && v !== null && v !== "channels_last") {
    throw new FieldIssue(
      "data_format",
      `only 'channels_last' is supported (images are 28×28×1), got ${JSON.stringify(v)}`,
    );
  }
}

function needRank(input: Shape, rank: number, what: string): void {
  if (input.length !== rank) {
    throw new FieldIssue(
      null,
      `${what} needs a rank-${rank} input (${rank === 3 ? "height, width, channels" : rank === 2 ? "steps, channels" : "features"}), got shape ${fmt(input)}`,
    );
  }
}

export const fmt = (s: (number | null)[]) =>
  `(${["None", ...s.map((d) => (d === null ? "None" : String(d)))].join(", ")})`;
const prod = (s: Shape) => s.reduce((a, b) => a * b, 1);

// Output length of a windowed op along one axis, with the error naming the field that's too big.
function windowOut(
  size: number,
  k: number,
  stride: number,
  dilation: number,
  padding: "valid" | "same",
  field: string,
  axis: string,
): number {
  if (padding === "same") return Math.ceil(size / stride);
  const eff = (k - 1) * dilation + 1;
  if (eff > size) {
    throw new FieldIssue(field, `window ${eff} is larger than the ${axis} (${size}) of its input with padding 'valid'`);
  }
  return Math.floor((size - eff) / stride) + 1;
}

// ---------------------------------------------------------------------------------------------

function conv(rank: 1 | 2, kind: "conv" | "depthwise" | "separable" | "transpose"): LayerSpec {
  return {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, rank + 1, kind === "conv" ? `Conv${rank}D` : kind);
      const k = readTuple(cfg, kind === "depthwise" ? "kernel_size" : "kernel_size", rank);
      const s = readTuple(cfg, "strides", rank, { def: 1 });
      const d = readTuple(cfg, "dilation_rate", rank, { def: 1 });
      if (s.some((x) => x > 1) && d.some((x) => x > 1)) {
        throw new FieldIssue("dilation_rate", "strides > 1 together with dilation_rate > 1 is not supported");
      }
      const padding = readEnum(cfg, "padding", ["valid", "same"] as const, "valid");
      const useBias = readBool(cfg, "use_bias", true);
      readActivation(cfg);
      const groups = readInt(cfg, "groups", { min: 1, def: 1 });
      if (groups !== 1) throw new FieldIssue("groups", "grouped convolutions are not supported by tfjs-layers");
      const cin = input[rank];
      const spatial = input.slice(0, rank);
      const axes = rank === 2 ? ["height", "width"] : ["length"];
      let outSpatial: number[];
      if (kind === "transpose") {
        outSpatial = spatial.map((n, i) => (padding === "same" ? n * s[i] : (n - 1) * s[i] + k[i] + Math.max(0, 0)));
      } else {
        outSpatial = spatial.map((n, i) => windowOut(n, k[i], s[i], d[i], padding, "kernel_size", axes[i]));
      }
      const kk = prod(k);
      const outPositions = prod(outSpatial);
      if (kind === "depthwise") {
        const dm = readInt(cfg, "depth_multiplier", { min: 1, def: 1 });
        const cout = cin * dm;
        return {
          out: [...outSpatial, cout],
          params: kk * cin * dm + (useBias ? cout : 0),
          flops: 2 * outPositions * kk * cout,
        };
      }
      const filters = readInt(cfg, "filters", { min: 1 });
      if (kind === "separable") {
        const dm = readInt(cfg, "depth_multiplier", { min: 1, def: 1 });
        const params = kk * cin * dm + cin * dm * filters + (useBias ? filters : 0);
        return {
          out: [...outSpatial, filters],
          params,
          flops: 2 * outPositions * (kk * cin * dm + cin * dm * filters),
        };
      }
      const params = kk * cin * filters + (useBias ? filters : 0);
      const macs = kind === "transpose" ? prod(spatial) * kk * cin * filters : outPositions * kk * cin * filters;
      return { out: [...outSpatial, filters], params, flops: 2 * macs };
    },
  };
}

function pool(rank: 1 | 2): LayerSpec {
  return {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, rank + 1, `Pooling${rank}D`);
      const p = readTuple(cfg, "pool_size", rank, { def: 2 });
      const sRaw = cfg.strides;
      const s = sRaw === undefined || sRaw === null ? p : readTuple(cfg, "strides", rank);
      const padding = readEnum(cfg, "padding", ["valid", "same"] as const, "valid");
      const axes = rank === 2 ? ["height", "width"] : ["length"];
      const outSpatial = input.slice(0, rank).map((n, i) => windowOut(n, p[i], s[i], 1, padding, "pool_size", axes[i]));
      const out = [...outSpatial, input[rank]];
      return { out, params: 0, flops: prod(out) * prod(p) };
    },
  };
}

function globalPool(rank: 1 | 2): LayerSpec {
  return {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, rank + 1, `GlobalPooling${rank}D`);
      const keep = readBool(cfg, "keepdims", false);
      if (keep) throw new FieldIssue("keepdims", "keepdims=true is not supported by tfjs-layers");
      return { out: [input[rank]], params: 0, flops: prod(input) };
    },
  };
}

const identity = (check?: (cfg: Config) => void): LayerSpec => ({
  infer(input, cfg) {
    check?.(cfg);
    return { out: input, params: 0, flops: 0 };
  },
});

const elementwise = (check?: (cfg: Config) => void): LayerSpec => ({
  infer(input, cfg) {
    check?.(cfg);
    return { out: input, params: 0, flops: prod(input) };
  },
});

const rate = (cfg: Config) => {
  const r = readNumber(cfg, "rate", { min: 0 });
  if (r >= 1) throw new FieldIssue("rate", `must be in [0, 1), got ${r}`);
};

export const LAYERS: Record<string, LayerSpec> = {
  Dense: {
    infer(input, cfg) {
      if (input.length < 1) throw new FieldIssue(null, "Dense needs an input with a feature axis");
      const units = readInt(cfg, "units", { min: 1 });
      const useBias = readBool(cfg, "use_bias", true);
      readActivation(cfg);
      const fin = input[input.length - 1];
      const rows = prod(input.slice(0, -1));
      return {
        out: [...input.slice(0, -1), units],
        params: fin * units + (useBias ? units : 0),
        flops: 2 * rows * fin * units,
      };
    },
  },
  Conv1D: conv(1, "conv"),
  Conv2D: conv(2, "conv"),
  Conv2DTranspose: conv(2, "transpose"),
  DepthwiseConv2D: conv(2, "depthwise"),
  SeparableConv2D: conv(2, "separable"),
  MaxPooling1D: pool(1),
  AveragePooling1D: pool(1),
  MaxPooling2D: pool(2),
  AveragePooling2D: pool(2),
  GlobalAveragePooling1D: globalPool(1),
  GlobalMaxPooling1D: globalPool(1),
  GlobalAveragePooling2D: globalPool(2),
  GlobalMaxPooling2D: globalPool(2),
  Flatten: {
    infer(input, cfg) {
      channelsLast(cfg);
      return { out: [prod(input)], params: 0, flops: 0 };
    },
  },
  Reshape: {
    infer(input, cfg) {
      const t = cfg.target_shape;
      if (!Array.isArray(t) || t.length === 0)
        throw new FieldIssue("target_shape", `must be a list of integers, got ${JSON.stringify(t)}`);
      let unknown = -1;
      t.forEach((x, i) => {
        checkFinite("target_shape", x);
        if (!isNum(x) || !Number.isInteger(x) || (x < 1 && x !== -1))
          throw new FieldIssue("target_shape", `entries must be positive integers or one -1, got ${JSON.stringify(t)}`);
        if (x === -1) {
          if (unknown >= 0) throw new FieldIssue("target_shape", "at most one entry may be -1");
          unknown = i;
        }
      });
      const known = prod((t as number[]).filter((x) => x !== -1));
      const total = prod(input);
      const out = [...(t as number[])];
      if (unknown >= 0) {
        if (total % known !== 0)
          throw new FieldIssue("target_shape", `cannot reshape ${total} values into ${JSON.stringify(t)}`);
        out[unknown] = total / known;
      } else if (known !== total) {
        throw new FieldIssue(
          "target_shape",
          `cannot reshape ${fmt(input)} (${total} values) into ${fmt(out)} (${known} values)`,
        );
      }
      return { out, params: 0, flops: 0 };
    },
  },
  Permute: {
    infer(input, cfg) {
      const dims = cfg.dims;
      const n = input.length;
      const ok = Array.isArray(dims) && dims.length === n && [...dims].sort().every((d, i) => d === i + 1);
      if (!ok) throw new FieldIssue("dims", `must be a permutation of 1..${n}, got ${JSON.stringify(dims)}`);
      return { out: (dims as number[]).map((d) => input[d - 1]), params: 0, flops: 0 };
    },
  },
  Dropout: identity(rate),
  SpatialDropout1D: identity(rate),
  AlphaDropout: identity(rate),
  GaussianDropout: identity(rate),
  GaussianNoise: identity((cfg) => void readNumber(cfg, "stddev", { min: 0 })),
  Activation: elementwise((cfg) => void readActivation(cfg)),
  ReLU: elementwise((cfg) => {
    if (cfg.max_value !== undefined && cfg.max_value !== null) readNumber(cfg, "max_value", { min: 0 });
  }),
  LeakyReLU: elementwise((cfg) => {
    if (cfg.alpha !== undefined) readNumber(cfg, "alpha", {});
    if (cfg.negative_slope !== undefined) readNumber(cfg, "negative_slope", {});
  }),
  ELU: elementwise((cfg) => void (cfg.alpha !== undefined && readNumber(cfg, "alpha", {}))),
  ThresholdedReLU: elementwise((cfg) => void (cfg.theta !== undefined && readNumber(cfg, "theta", {}))),
  Softmax: elementwise(),
  PReLU: {
    infer(input, cfg) {
      const shared = Array.isArray(cfg.shared_axes)
        ? (cfg.shared_axes as number[])
        : cfg.shared_axes == null
          ? []
          : [cfg.shared_axes as number];
      const alphaShape = input.map((d, i) => (shared.includes(i + 1) ? 1 : d));
      return { out: input, params: prod(alphaShape), flops: prod(input) };
    },
  },
  BatchNormalization: {
    infer(input, cfg) {
      const axis =
        cfg.axis === undefined ? -1 : Array.isArray(cfg.axis) && cfg.axis.length === 1 ? cfg.axis[0] : cfg.axis;
      if (axis !== -1 && axis !== input.length)
        throw new FieldIssue("axis", `only the channel axis (-1) is supported, got ${JSON.stringify(cfg.axis)}`);
      readNumber(cfg, "momentum", { min: 0, max: 1, def: 0.99 });
      readNumber(cfg, "epsilon", { min: 0, def: 0.001, minExclusive: true });
      const c = input[input.length - 1];
      const center = readBool(cfg, "center", true);
      const scale = readBool(cfg, "scale", true);
      const trainable = (center ? c : 0) + (scale ? c : 0);
      return { out: input, params: trainable + 2 * c, nonTrainable: 2 * c, flops: 2 * prod(input) };
    },
  },
  LayerNormalization: {
    infer(input, cfg) {
      const axis =
        cfg.axis === undefined ? -1 : Array.isArray(cfg.axis) && cfg.axis.length === 1 ? cfg.axis[0] : cfg.axis;
      if (axis !== -1 && axis !== input.length)
        throw new FieldIssue("axis", `only the last axis (-1) is supported, got ${JSON.stringify(cfg.axis)}`);
      const c = input[input.length - 1];
      const params = (readBool(cfg, "center", true) ? c : 0) + (readBool(cfg, "scale", true) ? c : 0);
      return { out: input, params, flops: 5 * prod(input) };
    },
  },
  ZeroPadding2D: {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, 3, "ZeroPadding2D");
      const p = cfg.padding ?? 1;
      let t: number, b: number, l: number, r: number;
      if (isNum(p)) [t, b, l, r] = [p, p, p, p];
      else if (Array.isArray(p) && p.length === 2 && p.every(isNum)) [t, b, l, r] = [p[0], p[0], p[1], p[1]];
      else if (Array.isArray(p) && p.length === 2 && p.every((x) => Array.isArray(x) && x.length === 2))
        [[t, b], [l, r]] = p as number[][];
      else
        throw new FieldIssue(
          "padding",
          `must be an int, (h, w) or ((top, bottom), (left, right)), got ${JSON.stringify(p)}`,
        );
      for (const x of [t, b, l, r])
        if (!Number.isInteger(x) || x < 0)
          throw new FieldIssue("padding", `must be non-negative integers, got ${JSON.stringify(p)}`);
      return { out: [input[0] + t + b, input[1] + l + r, input[2]], params: 0, flops: 0 };
    },
  },
  Cropping2D: {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, 3, "Cropping2D");
      const p = cfg.cropping ?? 0;
      let t: number, b: number, l: number, r: number;
      if (isNum(p)) [t, b, l, r] = [p, p, p, p];
      else if (Array.isArray(p) && p.length === 2 && p.every(isNum)) [t, b, l, r] = [p[0], p[0], p[1], p[1]];
      else if (Array.isArray(p) && p.length === 2 && p.every((x) => Array.isArray(x) && x.length === 2))
        [[t, b], [l, r]] = p as number[][];
      else
        throw new FieldIssue(
          "cropping",
          `must be an int, (h, w) or ((top, bottom), (left, right)), got ${JSON.stringify(p)}`,
        );
      for (const x of [t, b, l, r])
        if (!Number.isInteger(x) || x < 0)
          throw new FieldIssue("cropping", `must be non-negative integers, got ${JSON.stringify(p)}`);
      const h = input[0] - t - b;
      const w = input[1] - l - r;
      if (h < 1 || w < 1) throw new FieldIssue("cropping", `crops ${fmt(input)} down to nothing`);
      return { out: [h, w, input[2]], params: 0, flops: 0 };
    },
  },
  UpSampling2D: {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, 3, "UpSampling2D");
      const s = readTuple(cfg, "size", 2, { def: 2 });
      return { out: [input[0] * s[0], input[1] * s[1], input[2]], params: 0, flops: 0 };
    },
  },
};

/** Keras spellings that mean the same class (old Keras 2 aliases). */
export const CLASS_ALIASES: Record<string, string> = {
  Convolution1D: "Conv1D",
  Convolution2D: "Conv2D",
  Conv2DTranspose: "Conv2DTranspose",
  Deconvolution2D: "Conv2DTranspose",
  SeparableConvolution2D: "SeparableConv2D",
  MaxPool1D: "MaxPooling1D",
  MaxPool2D: "MaxPooling2D",
  AvgPool1D: "AveragePooling1D",
  AvgPool2D: "AveragePooling2D",
  GlobalAvgPool1D: "GlobalAveragePooling1D",
  GlobalAvgPool2D: "GlobalAveragePooling2D",
  GlobalMaxPool1D: "GlobalMaxPooling1D",
  GlobalMaxPool2D: "GlobalMaxPooling2D",
};

export const SUPPORTED_LAYERS = Object.keys(LAYERS).sort();

/** Layers Keras has but tfjs-layers does not, with the reason said to the student. */
export const KNOWN_UNSUPPORTED: Record<string, string> = {
  Lambda: "Lambda layers hold Python code, which cannot run outside Python",
  SpatialDropout2D: "tfjs-layers has no SpatialDropout2D; use Dropout",
  GroupNormalization: "tfjs-layers has no GroupNormalization; use BatchNormalization or LayerNormalization",
  RandomFlip: "preprocessing/augmentation layers are not supported",
  RandomRotation: "preprocessing/augmentation layers are not supported",
  Rescaling: "pixels are already scaled to [0, 1]; remove the Rescaling layer",
};
