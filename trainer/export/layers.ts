// A saved model's layers as the exporters read them: each layer's class and tfjs config (Keras
// style, snake_case), its input and output shapes, and its weights, from the model loaded in tfjs.
import type * as tf from "@tensorflow/tfjs";
import { type ExportFormat, FORMAT_NAMES, UnsupportedLayerError } from "./errors";
import { ModelFileError, type SavedModel } from "./format";
import { loadModel } from "./load";

export interface ExportWeight {
  /** tfjs's name for it within the layer: kernel, bias, gamma, moving_mean… */
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface ExportLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Per-sample shapes (no batch axis); a merge's first input's. */
  inputShape: number[];
  /** Graph models: the layers it takes, by name (the model's input by `ExportModel.graph.inputName`). */
  inbound?: string[];
  outputShape: number[];
  /** In the layer's own order: trainable ones first (kernel, bias; gamma, beta, moving_mean, moving_variance). */
  weights: ExportWeight[];
}

export interface ExportModel {
  name: string;
  inputShape: number[];
  /** Topological order; a graph's last layer is its output. */
  layers: ExportLayer[];
  /** Graph models (a Functional model.json): the input layer's name. */
  graph?: { inputName: string };
}

const perSample = (s: readonly (number | null)[]) => s.slice(1).map((d) => d ?? -1);

/**
 * The Keras writer lays a model out as one chain: a graph model (branches, merges) is refused,
 * naming its first merge, before anything is written. Its TensorFlow.js files (and ONNX) hold
 * the whole graph.
 */
export function refuseGraph(saved: SavedModel, format: ExportFormat): void {
  const arch = saved.metadata.architecture;
  if (arch.class_name === "Sequential") return;
  const merge =
    arch.config.layers.find((l) => (l.inbound_nodes?.[0]?.length ?? 0) > 1) ??
    arch.config.layers[arch.config.layers.length - 1];
  throw new UnsupportedLayerError(
    format,
    { name: String(merge.config.name), className: merge.class_name },
    `graph models (branches and merges) can't be exported to ${FORMAT_NAMES[format]} yet; the TensorFlow.js download holds the whole model`,
  );
}

export async function exportLayers(saved: SavedModel): Promise<ExportModel> {
  const topo = saved.modelJson.modelTopology as { class_name: string; config: { name?: string; layers?: unknown } };
  const graph = topo.class_name === "Functional" || topo.class_name === "Model";
  if ((topo.class_name !== "Sequential" && !graph) || !Array.isArray(topo.config.layers))
    throw new ModelFileError(
      `model.json holds a ${topo.class_name} model; exports are made from the Sequential and Functional models the trainer saves`,
    );
  type LayerConfig = {
    class_name: string;
    config: Record<string, unknown>;
    inbound_nodes?: [string, number, number, unknown][][];
  };
  const configs = topo.config.layers as LayerConfig[];
  const model: tf.LayersModel = await loadModel(saved);
  try {
    // The weights' values, read asynchronously: a GPU backend (webgpu) has no synchronous read
    // in Node (once read, each tensor's values stay cached on the host for the reads below).
    await Promise.all(model.weights.map((w) => w.read().data()));
    // A Functional model's layers include its InputLayer, in model.json and in tfjs alike.
    if (model.layers.length !== configs.length)
      throw new ModelFileError(`model.json lists ${configs.length} layers, TensorFlow.js built ${model.layers.length}`);
    // In model.json's order (a graph's is topological); tfjs may order a graph's layers by depth.
    const built = new Map(model.layers.map((l) => [l.name, l]));
    const all = configs.map((c, i): ExportLayer => {
      const l = built.get(String(c.config.name));
      if (!l || (!graph && model.layers[i] !== l))
        throw new ModelFileError(
          `model.json layer ${i} is '${String(c.config.name)}', TensorFlow.js built '${model.layers[i]?.name}'`,
        );
      const inputs = (Array.isArray(l.input) ? l.input : [l.input]) as tf.SymbolicTensor[];
      const output = (l.output as tf.SymbolicTensor).shape;
      return {
        name: l.name,
        className: c.class_name,
        config: c.config,
        inputShape: perSample(inputs[0].shape),
        ...(graph ? { inbound: (c.inbound_nodes?.[0] ?? []).map((t) => String(t[0])) } : {}),
        outputShape: perSample(output),
        weights: l.weights.map((w) => ({
          name: w.originalName.slice(w.originalName.lastIndexOf("/") + 1),
          shape: w.shape.map((d) => d ?? 0),
          data: Float32Array.from(w.read().dataSync() as Float32Array),
        })),
      };
    });
    const input = graph ? all.find((l) => l.className === "InputLayer") : undefined;
    return {
      name: String(topo.config.name ?? saved.metadata.name),
      inputShape: [...saved.metadata.inputShape],
      layers: input ? all.filter((l) => l !== input) : all,
      ...(input ? { graph: { inputName: input.name } } : {}),
    };
  } finally {
    model.dispose();
  }
}
