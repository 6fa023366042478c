import type { LayersModel, Tensor } from "@tensorflow/tfjs";
import { registerSubtract } from "@/trainer/arch";
import type { Tf } from "./backend";
import { SIZE } from "./preprocess";

// A stored model in the browser: loaded from the tfjs files the platform serves (model.json,
// weights.bin, metadata.json under /api/submissions/[id]/model/files/), checked to take a 28×28
// image and give 10 classes, and run on one input or a batch. tfjs is passed in (see backend.ts).

/** What metadata.json says about the model; every field optional, so an older file still loads. */
export interface ModelMetadata {
  inputShape?: number[];
  /** What a stored pixel byte (0-255) is multiplied by before it reaches the model. */
  pixelScale?: number;
  classNames?: string[];
  paramCount?: number;
}

export interface LoadedModel {
  tf: Tf;
  model: LayersModel;
  /** The model's own input shape without the batch axis: [28, 28, 1], [28, 28] or [784]. */
  inputShape: number[];
  classNames: string[];
  metadata: ModelMetadata;
  /** Model input = 0..1 pixel × this (1 for the platform's models: bytes × 1/255). */
  inputScale: number;
}

export interface Prediction {
  /** One per class, summing to 1. */
  probabilities: number[];
  /** Wall time of this call: upload, the forward pass and reading the result back. */
  ms: number;
}

const shapeText = (shape: (number | null)[]) => `(${shape.map((d) => d ?? "None").join(", ")})`;

async function fetchMetadata(url: string): Promise<ModelMetadata> {
  const response = await fetch(url, { credentials: "same-origin" });
  if (response.status === 404) return {};
  if (!response.ok) throw new Error(`metadata.json could not be loaded: HTTP ${response.status}.`);
  return (await response.json()) as ModelMetadata;
}

/** Loads the model under `filesUrl` (a folder URL, no trailing slash), warmed up so the first prediction is quick. */
export async function loadModel(tf: Tf, filesUrl: string, fallbackClassNames: readonly string[]): Promise<LoadedModel> {
  // A graph model may hold Keras's Subtract, which tfjs-layers lacks (the trainer's definition).
  registerSubtract(tf);
  const [model, metadata] = await Promise.all([
    tf.loadLayersModel(`${filesUrl}/model.json`, { requestInit: { credentials: "same-origin" } }),
    fetchMetadata(`${filesUrl}/metadata.json`),
  ]);
  const input = model.inputs[0]!.shape;
  const inputShape = input.slice(1).map((d) => d ?? 0);
  if (model.inputs.length !== 1 || inputShape.reduce((a, b) => a * b, 1) !== SIZE * SIZE) {
    throw new Error(`This model takes input of shape ${shapeText(input)}, not one 28×28 image.`);
  }
  const output = model.outputs[0]!.shape;
  const classNames = metadata.classNames?.length ? metadata.classNames : [...fallbackClassNames];
  if (model.outputs.length !== 1 || output.length !== 2 || output[1] !== classNames.length) {
    throw new Error(
      `This model's output has shape ${shapeText(output)}, not one score for each of ${classNames.length} classes.`,
    );
  }
  const loaded: LoadedModel = {
    tf,
    model,
    inputShape,
    classNames,
    metadata,
    inputScale: (metadata.pixelScale ?? 1 / 255) * 255,
  };
  // The first run compiles WebGL shaders or sets up wasm buffers: do it before anyone is watching.
  await predictBatch(loaded, [new Float32Array(SIZE * SIZE)]);
  return loaded;
}

/** Scores that are not already probabilities (a model ending in logits) go through softmax. */
export function asProbabilities(scores: ArrayLike<number>): number[] {
  const values = Array.from(scores);
  const sum = values.reduce((a, b) => a + b, 0);
  if (values.every((v) => v >= 0) && Math.abs(sum - 1) < 1e-3) return values;
  const max = Math.max(...values);
  const exp = values.map((v) => Math.exp(v - max));
  const total = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / total);
}

/** The input tensor for 28×28 images (0..1, row-major), in the model's own input shape. */
export function inputTensor(loaded: LoadedModel, images: Float32Array[]): Tensor {
  const { tf } = loaded;
  const flat = new Float32Array(images.length * SIZE * SIZE);
  images.forEach((image, i) => {
    for (let j = 0; j < SIZE * SIZE; j++) flat[i * SIZE * SIZE + j] = image[j]! * loaded.inputScale;
  });
  return tf.tensor(flat, [images.length, ...loaded.inputShape]);
}

/** Class probabilities for each image, and the time the whole batch took. */
export async function predictBatch(
  loaded: LoadedModel,
  images: Float32Array[],
): Promise<{ probabilities: number[][]; ms: number }> {
  const started = performance.now();
  const output = loaded.tf.tidy(() => loaded.model.predict(inputTensor(loaded, images)) as Tensor);
  const data = await output.data();
  output.dispose();
  const ms = performance.now() - started;
  const k = loaded.classNames.length;
  return { probabilities: images.map((_, i) => asProbabilities(data.subarray(i * k, (i + 1) * k))), ms };
}

export async function predict(loaded: LoadedModel, image: Float32Array): Promise<Prediction> {
  const { probabilities, ms } = await predictBatch(loaded, [image]);
  return { probabilities: probabilities[0]!, ms };
}
