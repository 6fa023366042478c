import { loadFashionMnist, packModel, runTraining } from "@/trainer";

// One real trained model for the tests that need a stored one: the report's MLP shape shrunk to a
// 32-unit hidden layer, one epoch on the committed subset (about a second), packed as the worker
// stores it. Trained once per test file.
let packed: Promise<{ bytes: Uint8Array; predictions: Uint8Array }> | undefined;

export const TINY_MLP = {
  class_name: "Sequential",
  config: {
    name: "tiny_mlp",
    layers: [
      { class_name: "InputLayer", config: { batch_input_shape: [null, 28, 28, 1], name: "input_1" } },
      { class_name: "Flatten", config: { name: "flatten" } },
      { class_name: "Dense", config: { name: "dense_1", units: 32, activation: "relu" } },
      { class_name: "Dense", config: { name: "dense_2", units: 10, activation: "softmax" } },
    ],
  },
};

export function trainedModelBytes(): Promise<{ bytes: Uint8Array; predictions: Uint8Array }> {
  packed ??= (async () => {
    const data = await loadFashionMnist({ subset: "fixture" });
    const outcome = await runTraining({
      architecture: TINY_MLP,
      training: { maxEpochs: 1, batchSize: 64 },
      data,
      backend: "cpu",
      threads: 1,
    });
    return { bytes: packModel(outcome.model), predictions: outcome.predictions };
  })();
  return packed;
}
