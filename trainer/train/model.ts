import * as tf from "@tensorflow/tfjs";
import { ACTIVATIONS } from "../arch/layers";
import { lookup } from "../arch/lookup";
import type { NormalizedModel } from "../arch/model";
import { TrainerError } from "../errors";
import { registerSubtract } from "../export/subtract";
import { convPoolAvailable, fuseFirstConvPool } from "./convPool";

// Graph models may hold Keras's Subtract, which tfjs-layers lacks.
registerSubtract(tf);

const INITIALIZER_KEYS = ["kernel_initializer", "depthwise_initializer", "pointwise_initializer"];
/**
 * The weight initialisers each class has, which get a seed (Keras's default, Glorot uniform, when
 * none is given). tfjs refuses a `kernel_initializer` on SeparableConv2D, which has depthwise and
 * pointwise kernels instead.
 */
const KERNELS: Record<string, string[]> = {
  Dense: ["kernel_initializer"],
  Conv1D: ["kernel_initializer"],
  Conv2D: ["kernel_initializer"],
  Conv2DTranspose: ["kernel_initializer"],
  DepthwiseConv2D: ["depthwise_initializer"],
  SeparableConv2D: ["depthwise_initializer", "pointwise_initializer"],
};

/** Deterministic per-layer seed so the same (architecture, seed) starts from the same weights. */
const layerSeed = (seed: number, i: number, j: number) =>
  ((seed * 1_000_003 + i * 7919 + j * 104_729) >>> 0) % 2_147_483_647;

// Non-decreasing activations commute with max-pooling: pool(f(z)) = f(pool(z)).
const MONOTONE = new Set(["relu", "relu6", "tanh", "sigmoid", "elu", "selu", "softplus", "softsign", "hardSigmoid"]);

/**
 * Conv(f) → MaxPool becomes Conv(linear) → MaxPool → Activation(f): the same function, but f and
 * its gradient run on the pooled tensor (4× smaller for 2×2 pools) and the conv can use the
 * fused conv+bias kernel under the gradient tape (tfjs only fuses linear activations there).
 * Gradients are identical except at exact ties inside a pool window, where the gradient through
 * f is zero anyway (ReLU's dead zone, tanh/sigmoid saturated to the same float).
 */
function commuteActivationAndMaxPool(layers: { class_name: string; config: Record<string, unknown> }[]): void {
  for (let i = 0; i + 1 < layers.length; i++) {
    const l = layers[i];
    const act = l.config.activation;
    if (
      (l.class_name === "Conv2D" || l.class_name === "Conv1D") &&
      typeof act === "string" &&
      MONOTONE.has(act) &&
      /^MaxPooling[12]D$/.test(layers[i + 1].class_name)
    ) {
      l.config.activation = "linear";
      layers.splice(i + 2, 0, {
        class_name: "Activation",
        config: { name: `${String(l.config.name)}__${act}_after_pool`, activation: act },
      });
      i += 2;
    }
  }
}

export interface BuiltModel {
  model: tf.LayersModel;
  /** The network ends in logits: softmax was moved out of the graph into the loss (see below). */
  emitsLogits: true;
  /** Keras layers that run as one fused layer (see convPool.ts), for the run's notes. */
  fused: string[];
}

type LayerJson = {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
  inbound_nodes?: [string, number, number, Record<string, never>][][];
};
type ModelJson = {
  class_name: string;
  config: { name: string; layers: LayerJson[]; output_layers?: [string, number, number][] };
};

/**
 * The canonical Keras JSON with what tfjs needs to build the same model: seeded initialisers,
 * tfjs activation names, and the per-layer differences between Keras and tfjs-layers below.
 */
function tfjsTopology(nm: NormalizedModel, seed: number): ModelJson {
  const json = structuredClone(nm.keras) as unknown as ModelJson;
  const layers = json.config.layers;
  // A graph's JSON starts with its InputLayer, which nm.layers doesn't hold.
  const offset = nm.graph ? 1 : 0;
  layers.forEach((l, i) => {
    const c = l.config;
    for (const key of ["activation"]) {
      if (typeof c[key] === "string") c[key] = lookup(ACTIVATIONS, c[key] as string) ?? c[key];
    }
    for (const key of lookup(KERNELS, l.class_name) ?? []) {
      // The key's position in INITIALIZER_KEYS keeps every layer's seed what it has always been.
      const j = INITIALIZER_KEYS.indexOf(key);
      const init = c[key];
      if (init && typeof init === "object" && "config" in init) {
        const cfg = { ...((init as { config: Record<string, unknown> }).config ?? {}) };
        if (cfg.seed === null || cfg.seed === undefined) cfg.seed = layerSeed(seed, i, j);
        c[key] = { ...(init as object), config: cfg };
      } else if (init === undefined || init === null) {
        c[key] = { class_name: "GlorotUniform", config: { seed: layerSeed(seed, i, j) } };
      }
    }
    // Keras writes dtype policies tfjs doesn't model; training is float32 throughout.
    delete c.dtype;
    // Keras lets Flatten pass an already flat input through; tfjs-layers refuses anything under
    // two dimensions per sample. A reshape to the same shape is the same layer (no weights).
    // tfjs's UpSampling2D, unlike Keras's and tfjs's own conv layers, doesn't expand `size: 2`,
    // and its Cropping2D has no default (Keras crops nothing).
    if (l.class_name === "UpSampling2D" && typeof c.size === "number") c.size = [c.size, c.size];
    if (l.class_name === "Cropping2D" && (c.cropping === undefined || c.cropping === null)) {
      c.cropping = [
        [0, 0],
        [0, 0],
      ];
    }
    const inputShape = nm.layers[i - offset]?.inputShape;
    // tfjs-layers' concatenate() turns every negative axis into the last one (tfjs_backend.ts),
    // while its shapes count it as Keras does: name the axis by its positive index instead.
    if (l.class_name === "Concatenate" && typeof c.axis === "number" && c.axis < -1 && inputShape)
      c.axis = inputShape.length + 1 + c.axis;
    if (l.class_name === "Flatten" && inputShape?.length === 1) {
      l.class_name = "Reshape";
      c.target_shape = [...inputShape];
    }
  });
  return json;
}

async function fromTopology(json: ModelJson): Promise<tf.LayersModel> {
  try {
    return await tf.models.modelFromJSON({ modelTopology: json } as unknown as tf.io.ModelJSON);
  } catch (e) {
    throw new TrainerError("INVALID_ARCHITECTURE", `TensorFlow.js could not build the model: ${(e as Error).message}`);
  }
}

/**
 * Builds the tfjs model from the canonical Keras JSON. A final softmax is dropped from the graph
 * and applied by the loss instead: softmax + cross-entropy fused has the simple gradient p − y,
 * is numerically stable, and saves several ops per step. Predictions apply softmax/argmax outside.
 */
export async function buildModel(
  nm: NormalizedModel,
  seed: number,
  options: { fuse?: boolean } = {},
): Promise<BuiltModel> {
  const json = tfjsTopology(nm, seed);
  const layers = json.config.layers;
  const fused: string[] = [];
  // Both rewrites read the list as a chain (a layer feeds the next): a graph steps aside and
  // trains as its plain layers.
  if (!nm.graph) {
    commuteActivationAndMaxPool(layers);
    if (convPoolAvailable() && options.fuse !== false) {
      const before = layers.map((l) => String(l.config.name));
      // The user's layer names: not the Activation commuteActivationAndMaxPool made (also fused).
      if (fuseFirstConvPool(layers))
        fused.push(...before.filter((n) => !layers.some((l) => l.config.name === n) && !n.endsWith("_after_pool")));
    }
  }
  const last = layers[layers.length - 1];
  if (last.class_name === "Softmax") {
    layers.pop();
    // A graph's output is then the layer the Softmax took.
    const from = last.inbound_nodes?.[0]?.[0]?.[0];
    if (json.config.output_layers && from) json.config.output_layers = [[from, 0, 0]];
  } else if (last.config.activation === "softmax") last.config.activation = "linear";
  return { model: await fromTopology(json), emitsLogits: true, fused };
}

/**
 * The model as users get it (saved, exported): the architecture's plain Keras graph with stock
 * tfjs layers only, ending in softmax probabilities. A linear (logits) last layer gets an
 * Activation('softmax') after it, so every saved model emits probabilities. Its weighted layers
 * are buildModel's, in the same order, with the same shapes (export/save.ts copies them over).
 */
export async function buildInferenceModel(nm: NormalizedModel, seed = 0): Promise<tf.LayersModel> {
  // The seed only shows in the initialiser configs (the weights are copied in): keep training's.
  const json = tfjsTopology(nm, seed);
  const layers = json.config.layers;
  if (nm.output === "logits") {
    const names = new Set(layers.map((l) => String(l.config.name)));
    let name = "softmax";
    for (let i = 1; names.has(name); i++) name = `softmax_${i}`;
    const out = String(layers[layers.length - 1].config.name);
    if (json.config.output_layers) {
      layers.push({
        class_name: "Activation",
        config: { name, activation: "softmax" },
        name,
        inbound_nodes: [[[out, 0, 0, {}]]],
      });
      json.config.output_layers = [[name, 0, 0]];
    } else layers.push({ class_name: "Activation", config: { name, activation: "softmax" } });
  }
  return fromTopology(json);
}
