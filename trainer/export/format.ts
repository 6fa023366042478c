// A trained model as the trainer keeps it: TensorFlow.js's layers format (model.json + one
// weights.bin) and our metadata.json. Browser-safe (zod only, no tfjs): the web app reads stored
// models with it, and @/trainer/arch re-exports it.
import { z } from "zod";
import { CLASS_NAMES } from "../arch/classes";
import type { KerasModelJson } from "../arch/keras";
import { trainingConfigSchema } from "../arch/training";

/** The metadata's format id; a reader refuses any other. */
export const MODEL_FORMAT = "catwalk-model/1";
/** Training feeds pixels as uint8 / 255 (train/step.ts makeBatch); so must every consumer. */
export const PIXEL_SCALE = 1 / 255;
export const PREPROCESSING =
  "28×28 grayscale, uint8 pixels 0..255 multiplied by pixelScale (1/255) into [0, 1]; a light object on a black background, as in Fashion-MNIST (invert photos of dark objects on light backgrounds)";

/** The three files of a saved model, in a directory or in its zip. */
export const MODEL_FILES = { modelJson: "model.json", weights: "weights.bin", metadata: "metadata.json" } as const;

/** A saved model (or its zip) is missing, incomplete or inconsistent. The message names the file. */
export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelFileError";
  }
}

const int = z.number().int();

const kerasLayerSchema = z.object({
  class_name: z.string(),
  config: z.record(z.string(), z.unknown()),
  // A graph's wiring (Keras 2 style): the name again and `[[["input", 0, 0, {}], …]]`.
  name: z.string().optional(),
  inbound_nodes: z.array(z.array(z.tuple([z.string(), int, int, z.object({}).strict()]))).optional(),
});
const endpointsSchema = z
  .array(z.tuple([z.string(), int, int]))
  .length(1)
  .optional();

export const modelMetadataSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  /** The model's name (the architecture's). */
  name: z.string(),
  /** Per-sample input shape the model takes: [28, 28, 1], [28, 28] or [784]. */
  inputShape: z.array(int.positive()).min(1).max(3),
  pixelScale: z.number().positive(),
  preprocessing: z.string(),
  /** The model's output: softmax probabilities over `classNames`, in this order. */
  output: z.literal("probabilities"),
  classNames: z.array(z.string()).length(CLASS_NAMES.length),
  paramCount: int.nonnegative(),
  /** The tfjs backend it was trained on. */
  backend: z.string(),
  trainerVersion: z.string(),
  seed: int,
  training: trainingConfigSchema,
  /** The canonical Keras architecture (Sequential JSON, or Functional for a graph) it was parsed into. */
  architecture: z.object({
    class_name: z.enum(["Sequential", "Functional"]),
    config: z.object({
      name: z.string(),
      layers: z.array(kerasLayerSchema),
      input_layers: endpointsSchema,
      output_layers: endpointsSchema,
    }),
    keras_version: z.string(),
    backend: z.string(),
  }),
  /** Epochs trained, and the one whose weights were kept (null when early stopping didn't pick one). */
  epochs: int.nonnegative(),
  bestEpoch: int.positive().nullable(),
  createdAt: z.iso.datetime(),
});
export type ModelMetadata = Omit<z.output<typeof modelMetadataSchema>, "architecture"> & {
  architecture: KerasModelJson;
};

const weightSpecSchema = z.object({
  name: z.string().min(1),
  shape: z.array(int.nonnegative()),
  dtype: z.literal("float32"),
});
export type WeightSpec = z.output<typeof weightSpecSchema>;

/** TensorFlow.js's model.json for a layers model whose weights are all in one weights.bin. */
export const layersModelJsonSchema = z.object({
  format: z.literal("layers-model"),
  generatedBy: z.string().optional(),
  convertedBy: z.string().nullable().optional(),
  modelTopology: z.object({ class_name: z.string(), config: z.record(z.string(), z.unknown()) }).loose(),
  weightsManifest: z
    .array(z.object({ paths: z.tuple([z.literal(MODEL_FILES.weights)]), weights: z.array(weightSpecSchema) }))
    .length(1),
});
export type LayersModelJson = z.output<typeof layersModelJsonSchema>;

/** A trained model: tfjs's model.json object, its weights.bin bytes, and metadata.json. */
export interface SavedModel {
  modelJson: LayersModelJson;
  weights: Uint8Array;
  metadata: ModelMetadata;
}

const issues = (e: z.ZodError) =>
  e.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");

function parseJsonFile<T>(file: string, input: unknown, schema: z.ZodType<T>, precheck?: (v: unknown) => void): T {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new ModelFileError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
  }
  precheck?.(value);
  const r = schema.safeParse(value);
  if (!r.success) throw new ModelFileError(`${file} is not a valid ${file}: ${issues(r.error)}`);
  return r.data;
}

export const parseModelJson = (input: unknown): LayersModelJson =>
  parseJsonFile(MODEL_FILES.modelJson, input, layersModelJsonSchema);

export const parseMetadata = (input: unknown): ModelMetadata =>
  parseJsonFile(MODEL_FILES.metadata, input, modelMetadataSchema, (v) => {
    // A newer or foreign format deserves its own sentence, not a list of schema mismatches.
    if (typeof v === "object" && v !== null && "format" in v && v.format !== MODEL_FORMAT)
      throw new ModelFileError(
        `${MODEL_FILES.metadata} has format ${JSON.stringify(v.format)}; this trainer reads '${MODEL_FORMAT}'`,
      );
  }) as ModelMetadata;

/** Bytes weights.bin must have for this manifest (float32 throughout). */
export const weightBytes = (specs: WeightSpec[]): number =>
  specs.reduce((a, s) => a + 4 * s.shape.reduce((x, y) => x * y, 1), 0);

/** Validates the three parts together: schemas, and weights.bin's size against the manifest. */
export function checkSavedModel(parts: { modelJson: unknown; weights: Uint8Array; metadata: unknown }): SavedModel {
  const modelJson = parseModelJson(parts.modelJson);
  const metadata = parseMetadata(parts.metadata);
  const want = weightBytes(modelJson.weightsManifest[0].weights);
  if (parts.weights.byteLength !== want) {
    throw new ModelFileError(
      `${MODEL_FILES.weights} has ${parts.weights.byteLength} bytes; ${MODEL_FILES.modelJson}'s weightsManifest needs ${want}`,
    );
  }
  return { modelJson, weights: parts.weights, metadata };
}

/**
 * What `tf.io.fromMemory` takes (a tfjs ModelArtifacts), without importing tfjs, so a browser can
 * do `tf.loadLayersModel(tf.io.fromMemory(modelArtifacts(saved)))` on a stored model.
 */
export function modelArtifacts(saved: SavedModel): {
  modelTopology: LayersModelJson["modelTopology"];
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  format: string;
  generatedBy?: string;
  convertedBy?: string | null;
} {
  const w = saved.weights;
  return {
    modelTopology: saved.modelJson.modelTopology,
    weightSpecs: saved.modelJson.weightsManifest[0].weights,
    // A copy: the bytes may be a view into a larger buffer (an unzipped archive).
    weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer,
    format: saved.modelJson.format,
    generatedBy: saved.modelJson.generatedBy,
    convertedBy: saved.modelJson.convertedBy,
  };
}
