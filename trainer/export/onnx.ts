// A saved model → ONNX (opset 13), written with onnx-proto's protobuf classes (ONNX's own
// onnx.proto, compiled by protobufjs).
//
// The graph takes what tfjs takes: float pixels / 255 in the model's input shape, channels last
// ([N, 28, 28, 1], or [N, 28, 28] / [N, 784]), and gives softmax probabilities. ONNX's spatial ops
// are channels-first, so the graph transposes to NCHW before the first of them and back to NHWC
// before anything that depends on Keras's memory order (Flatten, Reshape, Dense, Softmax): Keras
// flattens (H, W, C) row-major, and flattening NCHW would scramble the Dense weights' inputs.
// A graph model's layers read their inputs' values by name; its merges are addMerge's.
// A layer ONNX can't express here is an UnsupportedLayerError before anything is written.
import onnxProto from "onnx-proto";
import { TRAINER_VERSION } from "../version";
import { UnsupportedLayerError } from "./errors";
import type { SavedModel } from "./format";
import { type ExportLayer, exportLayers } from "./layers";

const { onnx } = onnxProto;
type Node = InstanceType<typeof onnx.NodeProto>;
type Attr = InstanceType<typeof onnx.AttributeProto>;

export const ONNX_OPSET = 13;
const IR_VERSION = 7; // the IR version that came with opset 13 (ONNX 1.8)
export const ONNX_INPUT = "images";
export const ONNX_OUTPUT = "probabilities";

const A = onnx.AttributeProto.AttributeType;
const ints = (name: string, v: number[]): Attr => onnx.AttributeProto.create({ name, type: A.INTS, ints: v });
const int = (name: string, v: number): Attr => onnx.AttributeProto.create({ name, type: A.INT, i: v });
const float = (name: string, v: number): Attr => onnx.AttributeProto.create({ name, type: A.FLOAT, f: v });

class Graph {
  readonly nodes: Node[] = [];
  readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private n = 0;

  constructor(private readonly prefix: string) {}

  private fresh(what: string): string {
    return `${this.prefix}${what}_${this.n++}`;
  }

  floats(what: string, dims: number[], data: Float32Array | number[]): string {
    const name = this.fresh(what);
    const f = Float32Array.from(data);
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dims,
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(f.buffer, f.byteOffset, f.byteLength),
      }),
    );
    return name;
  }

  int64s(what: string, data: number[]): string {
    const name = this.fresh(what);
    const b = BigInt64Array.from(data.map((x) => BigInt(x)));
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dims: [data.length],
        dataType: onnx.TensorProto.DataType.INT64,
        rawData: new Uint8Array(b.buffer),
      }),
    );
    return name;
  }

  op(opType: string, inputs: string[], attribute: Attr[] = [], output?: string): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    this.nodes.push(onnx.NodeProto.create({ opType, input: inputs, output: [out], attribute, name: out }));
    return out;
  }
}

/** The current tensor: its name, its per-sample shape in Keras's (channels-last) terms, and whether it is stored NCHW. */
interface Value {
  name: string;
  shape: number[];
  nchw: boolean;
}

const toNCHW = (g: Graph, v: Value): Value =>
  v.nchw || v.shape.length !== 3
    ? v
    : { ...v, name: g.op("Transpose", [v.name], [ints("perm", [0, 3, 1, 2])]), nchw: true };
const toNHWC = (g: Graph, v: Value): Value =>
  v.nchw ? { ...v, name: g.op("Transpose", [v.name], [ints("perm", [0, 2, 3, 1])]), nchw: false } : v;

/** TF/Keras 'same' padding (the odd pixel goes after), or none: [before, after] for one axis. */
function pad1(n: number, k: number, s: number, d: number, padding: unknown): [number, number] {
  if (padding !== "same") return [0, 0];
  const kEff = (k - 1) * d + 1;
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + kEff - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const pair = (v: unknown, def: number): [number, number] =>
  typeof v === "number" ? [v, v] : Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [def, def];

function spatialAttrs(
  l: ExportLayer,
  v: Value,
  kernel: [number, number],
  stridesKey: unknown,
  dilation: [number, number],
) {
  const strides = pair(stridesKey, 1);
  const [h, w] = v.shape;
  const [t, b] = pad1(h, kernel[0], strides[0], dilation[0], l.config.padding);
  const [le, r] = pad1(w, kernel[1], strides[1], dilation[1], l.config.padding);
  return [ints("kernel_shape", kernel), ints("strides", strides), ints("pads", [t, le, b, r])];
}

/** Applies a Keras activation by name; `axis` is where softmax normalises in the stored layout. */
function activation(g: Graph, l: ExportLayer, x: string, name: unknown, axis: number): string {
  switch (name ?? "linear") {
    case "linear":
      return x;
    case "relu":
      return g.op("Relu", [x]);
    case "relu6":
      return g.op("Clip", [x, g.floats("min", [], [0]), g.floats("max", [], [6])]);
    case "sigmoid":
      return g.op("Sigmoid", [x]);
    case "hard_sigmoid":
      // tfjs's (and Keras 2's) hard sigmoid: clip(0.2·x + 0.5, 0, 1), ONNX's defaults.
      return g.op("HardSigmoid", [x], [float("alpha", 0.2), float("beta", 0.5)]);
    case "tanh":
      return g.op("Tanh", [x]);
    case "elu":
      return g.op("Elu", [x], [float("alpha", 1)]);
    case "selu":
      return g.op("Selu", [x]);
    case "softplus":
      return g.op("Softplus", [x]);
    case "softsign":
      return g.op("Softsign", [x]);
    case "softmax":
      return g.op("Softmax", [x], [int("axis", axis)]);
    case "log_softmax":
      return g.op("LogSoftmax", [x], [int("axis", axis)]);
    case "swish":
    case "silu":
      return g.op("Mul", [x, g.op("Sigmoid", [x])]);
    case "mish":
      return g.op("Mul", [x, g.op("Tanh", [g.op("Softplus", [x])])]);
    case "gelu": {
      // tfjs's gelu is the exact one: x · ½(1 + erf(x/√2)).
      const erf = g.op("Erf", [g.op("Div", [x, g.floats("sqrt2", [], [Math.SQRT2])])]);
      const half = g.op("Mul", [x, g.floats("half", [], [0.5])]);
      return g.op("Mul", [half, g.op("Add", [erf, g.floats("one", [], [1])])]);
    }
    default:
      throw new UnsupportedLayerError("onnx", l, `activation '${String(name)}'`);
  }
}

/** Keras HWIO conv kernel → ONNX OIHW. */
function oihw(w: { shape: number[]; data: Float32Array }): Float32Array {
  const [kh, kw, cin, cout] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < cin; c++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + c) * kh + i) * kw + j] = w.data[((i * kw + j) * cin + c) * cout + o];
  return out;
}

const IDENTITY_AT_INFERENCE = new Set([
  "Dropout",
  "SpatialDropout1D",
  "AlphaDropout",
  "GaussianDropout",
  "GaussianNoise",
]);

function addLayer(g: Graph, l: ExportLayer, v0: Value): Value {
  const c = l.config;
  const out = (name: string, nchw: boolean): Value => ({ name, shape: l.outputShape, nchw });
  const channelAxis = (v: Value) => (v.nchw ? 1 : -1);
  const need4 = () => {
    if (v0.shape.length !== 3) throw new UnsupportedLayerError("onnx", l, `input of rank ${v0.shape.length + 1}`);
  };
  if (IDENTITY_AT_INFERENCE.has(l.className)) return v0;
  switch (l.className) {
    case "Conv2D": {
      need4();
      if ((c.groups ?? 1) !== 1) throw new UnsupportedLayerError("onnx", l, "grouped convolution");
      const v = toNCHW(g, v0);
      const [kernel, bias] = l.weights;
      const k: [number, number] = [kernel.shape[0], kernel.shape[1]];
      const dil = pair(c.dilation_rate, 1);
      const inputs = [v.name, g.floats("kernel", [kernel.shape[3], kernel.shape[2], k[0], k[1]], oihw(kernel))];
      if (bias) inputs.push(g.floats("bias", bias.shape, bias.data));
      const y = g.op("Conv", inputs, [
        ...spatialAttrs(l, v, k, c.strides, dil),
        ints("dilations", dil),
        int("group", 1),
      ]);
      return out(activation(g, l, y, c.activation, 1), true);
    }
    case "MaxPooling2D":
    case "AveragePooling2D": {
      need4();
      const v = toNCHW(g, v0);
      const p = pair(c.pool_size, 2);
      const attrs = spatialAttrs(l, v, p, c.strides ?? p, [1, 1]);
      // Averages over the window's pixels inside the image, as TF's 'same' does (count_include_pad 0).
      return out(g.op(l.className === "MaxPooling2D" ? "MaxPool" : "AveragePool", [v.name], attrs), true);
    }
    case "GlobalAveragePooling2D":
    case "GlobalMaxPooling2D": {
      need4();
      const v = toNCHW(g, v0);
      const pooled = g.op(l.className === "GlobalAveragePooling2D" ? "GlobalAveragePool" : "GlobalMaxPool", [v.name]);
      return out(g.op("Flatten", [pooled], [int("axis", 1)]), false);
    }
    case "Flatten": {
      const v = toNHWC(g, v0);
      return out(g.op("Flatten", [v.name], [int("axis", 1)]), false);
    }
    case "Reshape": {
      const v = toNHWC(g, v0);
      // 0 copies the batch dimension (opset 13 Reshape), -1 stays as Keras wrote it.
      const shape = g.int64s("shape", [0, ...(c.target_shape as number[])]);
      return out(g.op("Reshape", [v.name, shape]), false);
    }
    case "Dense": {
      const v = toNHWC(g, v0);
      const [kernel, bias] = l.weights;
      let y = g.op("MatMul", [v.name, g.floats("kernel", kernel.shape, kernel.data)]);
      if (bias) y = g.op("Add", [y, g.floats("bias", bias.shape, bias.data)]);
      return out(activation(g, l, y, c.activation, -1), false);
    }
    case "Activation":
      return { ...v0, name: activation(g, l, v0.name, c.activation, channelAxis(v0)) };
    case "ReLU": {
      const max = c.max_value;
      const y =
        max === null || max === undefined
          ? g.op("Relu", [v0.name])
          : g.op("Clip", [v0.name, g.floats("min", [], [0]), g.floats("max", [], [Number(max)])]);
      return { ...v0, name: y };
    }
    case "LeakyReLU":
      return { ...v0, name: g.op("LeakyRelu", [v0.name], [float("alpha", Number(c.alpha ?? 0.3))]) };
    case "ELU":
      return { ...v0, name: g.op("Elu", [v0.name], [float("alpha", Number(c.alpha ?? 1))]) };
    case "Softmax": {
      // Keras/tfjs count the axis with the batch; tfjs's default is 1.
      const v = toNHWC(g, v0);
      const axis = Number(c.axis ?? 1);
      return out(g.op("Softmax", [v.name], [int("axis", axis)]), false);
    }
    case "BatchNormalization": {
      if (v0.shape.length !== 3 && v0.shape.length !== 1)
        throw new UnsupportedLayerError("onnx", l, `input of rank ${v0.shape.length + 1}`);
      const v = v0.shape.length === 3 ? toNCHW(g, v0) : v0;
      const ch = l.inputShape[l.inputShape.length - 1];
      const byName = new Map(l.weights.map((w) => [w.name, w.data]));
      const part = (name: string, fill: number) =>
        g.floats(name, [ch], byName.get(name) ?? new Float32Array(ch).fill(fill));
      const y = g.op(
        "BatchNormalization",
        [v.name, part("gamma", 1), part("beta", 0), part("moving_mean", 0), part("moving_variance", 1)],
        [float("epsilon", Number(c.epsilon ?? 1e-3))],
      );
      return { ...v, name: y };
    }
    default:
      throw new UnsupportedLayerError("onnx", l);
  }
}

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === "string"
              ? onnx.TensorShapeProto.Dimension.create({ dimParam: d })
              : onnx.TensorShapeProto.Dimension.create({ dimValue: d }),
          ),
        }),
      }),
    }),
  });
}

const ELEMENTWISE: Record<string, string> = {
  Add: "Add",
  Subtract: "Sub",
  Multiply: "Mul",
  Maximum: "Max",
  Minimum: "Min",
  Average: "Mean",
};

/**
 * A graph's merge layer. Its inputs are put in one layout (NCHW when all are, else NHWC). ONNX
 * broadcasts like numpy, which matches Keras for inputs of one rank (sizes of 1 stretch);
 * Keras gives a lower-rank input its new axes after the batch axis, numpy before: refused.
 */
function addMerge(g: Graph, l: ExportLayer, vs: Value[]): Value {
  if (new Set(vs.map((v) => v.shape.length)).size > 1)
    throw new UnsupportedLayerError("onnx", l, "inputs of different ranks (Keras and ONNX broadcast them differently)");
  const nchw = vs.every((v) => v.nchw);
  const xs = vs.map((v) => (nchw ? v : toNHWC(g, v)).name);
  const out = (name: string): Value => ({ name, shape: l.outputShape, nchw });
  if (l.className === "Concatenate") {
    const rank = vs[0].shape.length + 1;
    const raw = Number(l.config.axis ?? -1);
    const axis = raw < 0 ? rank + raw : raw;
    // NCHW holds Keras's (H, W, C) axes 1, 2, 3 at 2, 3, 1.
    const stored = nchw ? [0, 2, 3, 1][axis] : axis;
    return out(g.op("Concat", xs, [int("axis", stored)]));
  }
  const op = ELEMENTWISE[l.className];
  if (!op) throw new UnsupportedLayerError("onnx", l);
  if (op === "Max" || op === "Min" || op === "Mean") return out(g.op(op, xs));
  return out(xs.slice(1).reduce((acc, x) => g.op(op, [acc, x]), xs[0]));
}

/** The `.onnx` file for a saved model (onnxruntime runs it), or an UnsupportedLayerError. */
export async function exportOnnx(saved: SavedModel): Promise<Uint8Array> {
  const m = await exportLayers(saved);
  const g = new Graph("");
  let v: Value = { name: ONNX_INPUT, shape: m.inputShape, nchw: false };
  if (m.graph) {
    // Each layer reads its inputs' values by name; the last layer is the output.
    const values = new Map<string, Value>([[m.graph.inputName, v]]);
    for (const l of m.layers) {
      const ins = (l.inbound ?? []).map((n) => values.get(n)!);
      v = l.className in ELEMENTWISE || l.className === "Concatenate" ? addMerge(g, l, ins) : addLayer(g, l, ins[0]);
      values.set(l.name, v);
    }
  } else for (const l of m.layers) v = addLayer(g, l, v);
  if (v.shape.length !== 1)
    throw new UnsupportedLayerError("onnx", m.layers[m.layers.length - 1], "its output is not (None, classes)");
  g.op("Identity", [v.name], [], ONNX_OUTPUT);
  const meta = saved.metadata;
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: ONNX_OPSET })],
    producerName: "catwalk-trainer",
    producerVersion: TRAINER_VERSION,
    docString: `${meta.name}: Fashion-MNIST classifier trained with TensorFlow.js. Input: ${meta.preprocessing}. Output: probabilities over ${meta.classNames.join(", ")}.`,
    graph: onnx.GraphProto.create({
      name: m.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(ONNX_INPUT, ["batch", ...m.inputShape])],
      output: [valueInfo(ONNX_OUTPUT, ["batch", v.shape[0]])],
    }),
    metadataProps: [
      { key: "class_names", value: JSON.stringify(meta.classNames) },
      { key: "pixel_scale", value: String(meta.pixelScale) },
      { key: "input_layout", value: "NHWC (channels last), as the Keras/TensorFlow.js model" },
    ].map((p) => onnx.StringStringEntryProto.create(p)),
  });
  return onnx.ModelProto.encode(model).finish();
}
