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
  /** Per-sample shapes (no batch axis). */
  inputShape: number[];
  outputShape: number[];
  /** In the layer's own order: trainable ones first (kernel, bias; gamma, beta, moving_mean, moving_variance). */
  weights: ExportWeight[];
}

export interface ExportModel {
  name: string;
  inputShape: number[];
  layers: ExportLayer[];
}

const perSample = (s: readonly (number | null)[]) => s.slice(1).map((d) => d ?? -1);

/**
 * The Keras and ONNX writers lay a model out as one chain: a graph model (branches, merges) is
 * refused by them, naming its first merge, before anything is written. Its TensorFlow.js files
 * hold the whole graph.
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
  if (topo.class_name !== "Sequential" || !Array.isArray(topo.config.layers))
    throw new ModelFileError(
      `model.json holds a ${topo.class_name} model; exports are made from the Sequential models the trainer saves`,
    );
  const configs = topo.config.layers as { class_name: string; config: Record<string, unknown> }[];
  const model: tf.LayersModel = await loadModel(saved);
  try {
    if (model.layers.length !== configs.length)
      throw new ModelFileError(`model.json lists ${configs.length} layers, TensorFlow.js built ${model.layers.length}`);
    const layers = model.layers.map((l, i): ExportLayer => {
      const c = configs[i];
      if (c.config.name !== l.name)
        throw new ModelFileError(
          `model.json layer ${i} is '${String(c.config.name)}', TensorFlow.js built '${l.name}'`,
        );
      const input = (l.input as tf.SymbolicTensor).shape;
      const output = (l.output as tf.SymbolicTensor).shape;
      return {
        name: l.name,
        className: c.class_name,
        config: c.config,
        inputShape: perSample(input),
        outputShape: perSample(output),
        weights: l.weights.map((w) => ({
          name: w.originalName.slice(w.originalName.lastIndexOf("/") + 1),
          shape: w.shape.map((d) => d ?? 0),
          data: Float32Array.from(w.read().dataSync() as Float32Array),
        })),
      };
    });
    return {
      name: String(topo.config.name ?? saved.metadata.name),
      inputShape: [...saved.metadata.inputShape],
      layers,
    };
  } finally {
    model.dispose();
  }
}
