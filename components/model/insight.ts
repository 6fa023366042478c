import type { LayersModel, Tensor } from "@tensorflow/tfjs";
import { inputTensor, type LoadedModel } from "./inference";

// "See what it learned", for any architecture the trainer accepts: the first convolution's
// filters, and for one input the outputs of every layer that keeps a spatial layout (feature
// maps) plus the hidden Dense layers (a strip of units each). Maps and filters are normalised
// one by one (each to its own 0..1), so a faint map is as readable as a strong one.

/** At most this many maps (or filters) of one layer are drawn: 64 already fill a screen. */
export const MAX_MAPS = 64;

/** A stack of same-sized small images, each normalised to 0..1. */
export interface MapStack {
  width: number;
  height: number;
  /** How many the layer has; `maps` holds the first MAX_MAPS. */
  total: number;
  maps: Float32Array[];
}

export interface Filters extends MapStack {
  layerName: string;
  className: string;
  /** How input channels were reduced to one image per filter, when there are several. */
  channels: "one" | "mean";
}

export interface LayerActivation {
  layerName: string;
  className: string;
  kind: "maps" | "units";
  /** For "maps": the feature maps, each normalised; for "units": one row of the raw unit values. */
  stack: MapStack;
  /** Units only: the values' range, widened to include 0 (the strip draws bars from zero). */
  range?: [number, number];
  /** The last hidden Dense layer: what the output layer reads. */
  penultimate: boolean;
}

/** Each value of `values` scaled to 0..1 by its own min and max (a flat map is all 0). */
export function normalise(values: Float32Array): Float32Array {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  return Float32Array.from(values, (v) => (span > 0 ? (v - min) / span : 0));
}

const CONV = new Set(["Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D"]);

export function hasConvolutions(model: LayersModel): boolean {
  return model.layers.some((l) => CONV.has(l.getClassName()));
}

/**
 * The first convolution's filters as images. Kernels are [h, w, in, out] (Conv2D), [h, w, out,
 * in] (Conv2DTranspose), [h, w, in, multiplier] (the depthwise kernel of DepthwiseConv2D and
 * SeparableConv2D: one filter per (in, multiplier)) or [k, in, out] (Conv1D: a 1 × k strip).
 * Several input channels are averaged into one image. Null without a convolution.
 */
export function firstLayerFilters(model: LayersModel): Filters | null {
  const layer = model.layers.find((l) => CONV.has(l.getClassName()));
  if (!layer) return null;
  const className = layer.getClassName();
  const kernel = layer.getWeights()[0]!;
  const shape = kernel.shape;
  const values = kernel.dataSync() as Float32Array;
  const conv1d = shape.length === 3;
  const [height, width] = conv1d ? [1, shape[0]!] : [shape[0]!, shape[1]!];
  const a = shape[shape.length - 2]!;
  const b = shape[shape.length - 1]!;
  const depthwise = className === "DepthwiseConv2D" || className === "SeparableConv2D";
  // (filters, input channels averaged per filter) and the flat index of one kernel element.
  const count = depthwise ? a * b : className === "Conv2DTranspose" ? a : b;
  const inputs = depthwise ? 1 : className === "Conv2DTranspose" ? b : a;
  const index = (pixel: number, filter: number, channel: number) => {
    if (depthwise) return pixel * a * b + filter;
    if (className === "Conv2DTranspose") return pixel * a * b + filter * b + channel;
    return pixel * a * b + channel * b + filter;
  };
  const maps: Float32Array[] = [];
  for (let f = 0; f < Math.min(count, MAX_MAPS); f++) {
    const map = new Float32Array(height * width);
    for (let p = 0; p < map.length; p++) {
      let sum = 0;
      for (let c = 0; c < inputs; c++) sum += values[index(p, f, c)]!;
      map[p] = sum / inputs;
    }
    maps.push(normalise(map));
  }
  return { layerName: layer.name, className, width, height, total: count, maps, channels: inputs > 1 ? "mean" : "one" };
}

interface Probe {
  model: LayersModel;
  layers: { name: string; className: string; kind: "maps" | "units"; penultimate: boolean }[];
}

const probes = new WeakMap<LayersModel, Probe | null>();

/**
 * A second model over the same layers whose outputs are every layer with a spatial output
 * (rank 3 or 4) and every hidden Dense layer. Built once per model.
 */
function probeFor(loaded: LoadedModel): Probe | null {
  const cached = probes.get(loaded.model);
  if (cached !== undefined) return cached;
  const layers = loaded.model.layers.filter((l) => l.getClassName() !== "InputLayer");
  const dense = layers.filter((l) => l.getClassName() === "Dense");
  const hidden = new Set(dense.slice(0, -1));
  const rank = (l: (typeof layers)[number]) => (l.outputShape as number[]).length;
  const chosen = layers.filter((l) => rank(l) === 3 || rank(l) === 4 || (hidden.has(l) && rank(l) === 2));
  const probe =
    chosen.length === 0
      ? null
      : {
          model: loaded.tf.model({ inputs: loaded.model.inputs, outputs: chosen.map((l) => l.output as never) }),
          layers: chosen.map((l) => ({
            name: l.name,
            className: l.getClassName(),
            kind: rank(l) === 2 ? ("units" as const) : ("maps" as const),
            penultimate: l === dense.at(-2),
          })),
        };
  probes.set(loaded.model, probe);
  return probe;
}

/** What every probed layer makes of one 28×28 input. */
export async function activations(loaded: LoadedModel, image: Float32Array): Promise<LayerActivation[]> {
  const probe = probeFor(loaded);
  if (!probe) return [];
  const outputs = loaded.tf.tidy(() => {
    const result = probe.model.predict(inputTensor(loaded, [image]));
    return Array.isArray(result) ? result : [result as Tensor];
  });
  try {
    const data = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
    return probe.layers.map((layer, i) => {
      const shape = outputs[i]!.shape.slice(1);
      const values = data[i]!;
      if (layer.kind === "units") {
        let min = 0;
        let max = 0;
        for (const v of values) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        const stack = { width: values.length, height: 1, total: values.length, maps: [Float32Array.from(values)] };
        const range: [number, number] = [min, max];
        return {
          layerName: layer.name,
          className: layer.className,
          kind: layer.kind,
          stack,
          range,
          penultimate: layer.penultimate,
        };
      }
      // [h, w, c] (2-D maps) or [length, c] (1-D: each channel a 1 × length strip); channels last.
      const [height, width, channels] = shape.length === 3 ? shape : [1, shape[0]!, shape[1]!];
      const maps: Float32Array[] = [];
      for (let c = 0; c < Math.min(channels!, MAX_MAPS); c++) {
        const map = new Float32Array(height! * width!);
        for (let p = 0; p < map.length; p++) map[p] = values[p * channels! + c]!;
        maps.push(normalise(map));
      }
      return {
        layerName: layer.name,
        className: layer.className,
        kind: layer.kind,
        stack: { width: width!, height: height!, total: channels!, maps },
        penultimate: false,
      };
    });
  } finally {
    for (const t of outputs) t.dispose();
  }
}
