// Small trained models for the export tests: training isn't the point, so 500 images, one epoch.
import { spawnSync } from "node:child_process";
import { type FashionMnist, getPreset, parseArchitecture, runTraining, type SavedModel, summarize } from "../..";
import { trainingConfigSchema } from "../../arch/training";
import { modelMetadata, serializeModel } from "../../export/save";
import { buildInferenceModel } from "../../train/model";

export const smallSet = (data: FashionMnist, n = 500): FashionMnist => ({
  ...data,
  train: { images: data.train.images.slice(0, n * 784), labels: data.train.labels.slice(0, n), count: n },
});

export async function trainShort(
  architecture: unknown,
  data: FashionMnist,
  training: object = {},
): Promise<SavedModel> {
  const r = await runTraining({
    architecture,
    training: { batchSize: 32, maxEpochs: 1, earlyStopping: null, validationSplit: 0, ...training },
    data,
    threads: 1,
  });
  return r.model;
}

export const preset = (id: string) => getPreset(id)!.architecture;

/**
 * Conv → BatchNorm → AveragePooling ×2 → GlobalAveragePooling → softmax: the normalisation and
 * pooling kinds. A low BN momentum lets the moving statistics converge within a short run (at
 * Keras's 0.99 they would still be mostly their initial 0 and 1, and inference near chance); it
 * needs bnPoolTraining on 1,000 images to predict better than chance.
 */
export const bnPoolTraining = { maxEpochs: 2, learningRate: 0.01 };
export const bnPoolArchitecture = {
  name: "bn_pool",
  inputShape: [28, 28, 1],
  layers: [
    { type: "Conv2D", filters: 8, kernelSize: 3, strides: 2, padding: "same", activation: "relu" },
    { type: "BatchNormalization", momentum: 0.8 },
    { type: "AveragePooling2D", poolSize: 2, padding: "same" },
    { type: "Conv2D", filters: 16, kernelSize: 2, padding: "valid", activation: "tanh" },
    { type: "BatchNormalization", momentum: 0.8 },
    { type: "Dropout", rate: 0.2 },
    { type: "AveragePooling2D", poolSize: 2 },
    { type: "GlobalAveragePooling2D" },
    { type: "Dense", units: 10, activation: "softmax" },
  ],
};

export function argmaxRows(p: ArrayLike<number>, n: number, k = 10): number[] {
  return Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
    return best;
  });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Debian's Python (pyenv's python3 lacks these) with h5py and numpy, or why not. */
export const PYTHON = "/usr/bin/python3";
export function h5pyMissing(): string | null {
  const r = spawnSync(PYTHON, ["-c", "import h5py, numpy"], { encoding: "utf8" });
  if (r.status === 0) return null;
  return `${PYTHON} can't import h5py and numpy (${(r.stderr || r.error?.message || "").trim().split("\n").at(-1)}); install Debian's python3-h5py`;
}

/** A saved model straight from an architecture, untrained (seeded initial weights): for layout tests. */
export async function savedUntrained(architecture: unknown): Promise<SavedModel> {
  const r = parseArchitecture(architecture);
  if (!r.ok) throw new Error(`test architecture must parse: ${JSON.stringify(r.errors)}`);
  const training = trainingConfigSchema.parse({});
  const model = await buildInferenceModel(r.model, training.seed);
  try {
    const info = {
      architecture: r.model,
      training,
      backend: "test",
      paramCount: summarize(r.model).totalParams,
      epochs: 0,
      bestEpoch: null,
    };
    return { ...(await serializeModel(model)), metadata: modelMetadata(info) };
  } finally {
    model.dispose();
  }
}

/** Every layer class the trainer accepts, in two models (2-D images, and 28×28 sequences). */
export const allLayersImage = {
  name: "all_layers_image",
  inputShape: [28, 28, 1],
  layers: [
    { type: "ZeroPadding2D", padding: 1 },
    { type: "Conv2D", filters: 4, kernelSize: 3, strides: 2, activation: "relu" },
    { type: "BatchNormalization" },
    { type: "DepthwiseConv2D", kernelSize: 3, padding: "same" },
    { type: "SeparableConv2D", filters: 4, kernelSize: 3, padding: "same" },
    { type: "Conv2DTranspose", filters: 4, kernelSize: 2, strides: 2 },
    {
      type: "Cropping2D",
      cropping: [
        [1, 1],
        [1, 1],
      ],
    },
    { type: "UpSampling2D", size: 2 },
    { type: "AveragePooling2D", poolSize: 2 },
    { type: "MaxPooling2D", poolSize: 2 },
    { type: "LayerNormalization" },
    { type: "PReLU" },
    { type: "LeakyReLU", alpha: 0.1 },
    { type: "ELU" },
    { type: "ThresholdedReLU", theta: 0.5 },
    { type: "ReLU", maxValue: 6 },
    { type: "Softmax" },
    { type: "Activation", activation: "gelu" },
    { type: "GaussianNoise", stddev: 0.1 },
    { type: "GaussianDropout", rate: 0.1 },
    { type: "AlphaDropout", rate: 0.1 },
    { type: "Dropout", rate: 0.1 },
    { type: "Permute", dims: [2, 1, 3] },
    { type: "GlobalMaxPooling2D" },
    { type: "Dense", units: 10, activation: "softmax" },
  ],
};
export const allLayersSequence = {
  name: "all_layers_sequence",
  inputShape: [28, 28],
  layers: [
    { type: "Conv1D", filters: 8, kernelSize: 3, activation: "swish" },
    { type: "MaxPooling1D" },
    { type: "AveragePooling1D" },
    { type: "SpatialDropout1D", rate: 0.1 },
    { type: "GlobalMaxPooling1D" },
    { type: "Reshape", targetShape: [2, 4] },
    { type: "GlobalAveragePooling1D" },
    { type: "Reshape", targetShape: [2, 2, 1] },
    { type: "Flatten" },
    { type: "Reshape", targetShape: [2, 2, 1] },
    { type: "GlobalAveragePooling2D" },
    { type: "Dense", units: 10, activation: "mish" },
    { type: "Dense", units: 10 },
  ],
};
