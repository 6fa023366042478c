// The trained model → a SavedModel (tfjs layers format + metadata), and back into tfjs.
//
// The model that trains is not the one to save: buildModel drops the final softmax (the loss
// applies it), moves activations past max-pooling and may fuse the first conv+pool into a custom
// layer that stock tfjs can't load. So the saved model is the architecture's plain graph
// (buildInferenceModel), with the trained weights copied in layer by layer.
import * as tf from "@tensorflow/tfjs";
import { CLASS_NAMES } from "../arch/classes";
import type { NormalizedModel } from "../arch/model";
import type { TrainingConfig } from "../arch/training";
import { IMAGE_SIZE } from "../data/fashionMnist";
import { TrainerError } from "../errors";
import { buildInferenceModel } from "../train/model";
import { makeBatch } from "../train/step";
import { TRAINER_VERSION } from "../version";
import {
  MODEL_FILES,
  MODEL_FORMAT,
  type ModelMetadata,
  PIXEL_SCALE,
  PREPROCESSING,
  parseModelJson,
  type SavedModel,
} from "./format";

export interface SaveInfo {
  architecture: NormalizedModel;
  training: TrainingConfig;
  backend: string;
  paramCount: number;
  epochs: number;
  bestEpoch: number | null;
  /** Defaults to now. */
  createdAt?: Date;
}

const weighted = (m: tf.LayersModel) => m.layers.filter((l) => l.weights.length > 0);
const shortName = (w: tf.LayerVariable) => w.originalName.slice(w.originalName.lastIndexOf("/") + 1);
const fmt = (s: readonly (number | null)[]) => `[${s.join(", ")}]`;

/**
 * Copies every weight of `from` into `to`, pairing their weighted layers in order. The two are
 * built from the same architecture, so any difference in count, name or shape is a bug: it fails
 * loudly instead of saving a model that predicts something else.
 */
export function copyWeights(from: tf.LayersModel, to: tf.LayersModel): void {
  const a = weighted(from);
  const b = weighted(to);
  const names = (ls: tf.layers.Layer[]) => ls.map((l) => l.name).join(", ");
  if (a.length !== b.length)
    throw new TrainerError(
      "INTERNAL",
      `saving the model: the trained model has ${a.length} layers with weights (${names(a)}), the saved one ${b.length} (${names(b)})`,
    );
  a.forEach((la, i) => {
    const lb = b[i];
    const wa = la.weights;
    const wb = lb.weights;
    const same =
      wa.length === wb.length &&
      wa.every((w, j) => shortName(w) === shortName(wb[j]) && w.shape.every((d, k) => d === wb[j].shape[k]));
    if (!same || wa.some((w, j) => w.shape.length !== wb[j].shape.length))
      throw new TrainerError(
        "INTERNAL",
        `saving the model: weights of '${la.name}' (${wa.map((w) => `${shortName(w)}${fmt(w.shape)}`).join(", ")}) don't match '${lb.name}' (${wb.map((w) => `${shortName(w)}${fmt(w.shape)}`).join(", ")})`,
      );
    lb.setWeights(la.getWeights());
  });
}

/** Serialises a stock tfjs model to model.json + weights.bin. */
export async function serializeModel(model: tf.LayersModel): Promise<Pick<SavedModel, "modelJson" | "weights">> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  const a = artifacts as unknown as tf.io.ModelArtifacts;
  const data = a.weightData === undefined ? new ArrayBuffer(0) : new tf.io.CompositeArrayBuffer(a.weightData).slice();
  const modelJson = parseModelJson({
    format: "layers-model",
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [MODEL_FILES.weights], weights: a.weightSpecs ?? [] }],
  });
  return { modelJson, weights: new Uint8Array(data) };
}

export function modelMetadata(info: SaveInfo): ModelMetadata {
  const nm = info.architecture;
  return {
    format: MODEL_FORMAT,
    name: nm.name,
    inputShape: [...nm.inputShape],
    pixelScale: PIXEL_SCALE,
    preprocessing: PREPROCESSING,
    output: "probabilities",
    classNames: [...CLASS_NAMES],
    paramCount: info.paramCount,
    backend: info.backend,
    trainerVersion: TRAINER_VERSION,
    seed: info.training.seed,
    training: info.training,
    architecture: nm.keras,
    epochs: info.epochs,
    bestEpoch: info.bestEpoch,
    createdAt: (info.createdAt ?? new Date()).toISOString(),
  };
}

/** The trained model (as buildModel made it) → what users load: softmax at the end, stock layers. */
export async function saveTrainedModel(trained: tf.LayersModel, info: SaveInfo): Promise<SavedModel> {
  const clean = await buildInferenceModel(info.architecture, info.training.seed);
  try {
    copyWeights(trained, clean);
    return { ...(await serializeModel(clean)), metadata: modelMetadata(info) };
  } finally {
    clean.dispose();
  }
}

export { loadModel } from "./load";

const PREDICT_BATCH = 500;

/**
 * Class probabilities (n × 10, row-major) for n 28×28 uint8 images laid out back to back, with
 * the pixels scaled exactly as in training (the same makeBatch).
 */
export async function predictProbabilities(
  model: tf.LayersModel,
  images: Uint8Array,
  n: number,
): Promise<Float32Array> {
  if (!Number.isInteger(n) || n < 0 || images.length < n * IMAGE_SIZE)
    throw new TrainerError(
      "INVALID_CONFIG",
      `predict: ${n} images need ${n * IMAGE_SIZE} pixels (28×28 each), got ${images.length}`,
    );
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const classes = model.outputs[0].shape[1] ?? 0;
  const split = { images, labels: new Uint8Array(n), count: n };
  const idx = Uint32Array.from({ length: n }, (_, i) => i);
  const out = new Float32Array(n * classes);
  for (let from = 0; from < n; from += PREDICT_BATCH) {
    const to = Math.min(n, from + PREDICT_BATCH);
    const b = makeBatch(split, idx, from, to, inputShape);
    const p = tf.tidy(() => model.predict(b.x) as tf.Tensor);
    // data(), not dataSync(): a GPU backend (webgpu) can only read its buffers asynchronously.
    out.set((await p.data()) as Float32Array, from * classes);
    tf.dispose([b.x, b.y, p]);
  }
  return out;
}
