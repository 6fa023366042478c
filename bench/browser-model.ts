// A model as the platform stores it (tfjs layers files: model.json, weights.bin, metadata.json),
// made here without the platform: the course report's CNN (or any preset), trained briefly on the
// committed Fashion-MNIST subset with the trainer's own wasm backend. For
// bench/browser-inference.ts, and by hand for trying components/model/ against a known model:
//   npx tsx bench/browser-model.ts DIR [--preset report-cnn] [--epochs 3]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { CLASS_NAMES, getPreset, loadFashionMnist, selectBackend } from "../trainer";

export interface SavedModel {
  dir: string;
  paramCount: number;
  /** Test-subset accuracy after training (1,000 images). */
  testAccuracy: number;
}

function batches(images: Uint8Array, labels: Uint8Array, count: number): { xs: tf.Tensor; ys: tf.Tensor } {
  const xs = tf.tidy(() =>
    tf.tensor4d(
      Float32Array.from(images.subarray(0, count * 784), (v) => v / 255),
      [count, 28, 28, 1],
    ),
  );
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(labels.subarray(0, count)), "int32"), 10));
  return { xs, ys };
}

/** Trains `presetId` for `epochs` on the fixture and writes it to `dir` as the platform serves models. */
export async function saveTrainedModel(dir: string, presetId = "report-cnn", epochs = 3): Promise<SavedModel> {
  const preset = getPreset(presetId);
  if (!preset) throw new Error(`unknown preset '${presetId}'`);
  await selectBackend("wasm");
  const model = (await tf.models.modelFromJSON(structuredClone(preset.architecture) as never)) as tf.LayersModel;
  const data = await loadFashionMnist({ subset: "fixture", download: false });
  // Flat-input presets (the single-layer net) take (784,); the rest (28, 28, 1) or (28, 28).
  const shape = model.inputs[0]!.shape.slice(1) as number[];
  const train = batches(data.train.images, data.train.labels, data.train.count);
  const test = batches(data.test.images, data.test.labels, data.test.count);
  const reshape = (t: tf.Tensor) => t.reshape([-1, ...shape]);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  if (epochs > 0) await model.fit(reshape(train.xs), train.ys, { epochs, batchSize: 64, shuffle: true, verbose: 0 });
  const predicted = tf.tidy(() => (model.predict(reshape(test.xs)) as tf.Tensor).argMax(-1).dataSync());
  const correct = Array.from(predicted).filter((p, i) => p === data.test.labels[i]).length;
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData as ArrayBuffer;
      writeFileSync(
        join(dir, "model.json"),
        JSON.stringify({
          format: "layers-model",
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
        }),
      );
      writeFileSync(join(dir, "weights.bin"), new Uint8Array(weights));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  const paramCount = model.countParams();
  writeFileSync(
    join(dir, "metadata.json"),
    JSON.stringify({
      inputShape: shape,
      pixelScale: 1 / 255,
      classNames: CLASS_NAMES,
      paramCount,
      preset: presetId,
      epochs,
    }),
  );
  tf.dispose([train.xs, train.ys, test.xs, test.ys]);
  model.dispose();
  return { dir, paramCount, testAccuracy: correct / data.test.count };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { preset: { type: "string" }, epochs: { type: "string" } },
  });
  const dir = positionals[0];
  if (!dir) throw new Error("usage: npx tsx bench/browser-model.ts DIR [--preset ID] [--epochs N]");
  const saved = await saveTrainedModel(dir, values.preset ?? "report-cnn", Number(values.epochs ?? 3));
  console.log(JSON.stringify(saved));
}
