// `npx tsx trainer/scripts/export-sizes.ts [OUT.json]`: for each preset, the size of the stored
// model zip and of each download, and how long each takes to make (median of 5, after a warm-up),
// plus what deflating weights.bin would save. Sizes don't depend on training (weights are float32
// either way), so the presets' seeded initial weights stand in for trained ones.
import { writeFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { deflateSync } from "fflate";
import { parseArchitecture, presets, summarize } from "../arch";
import { trainingConfigSchema } from "../arch/training";
import { selectBackend } from "../backend/select";
import { exportKeras } from "../export/keras";
import { exportOnnx } from "../export/onnx";
import { packModel, unpackModel } from "../export/pack";
import { modelMetadata, saveTrainedModel } from "../export/save";
import { buildModel } from "../train/model";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time<T>(f: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  let value = await f();
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    value = await f();
    ms.push(performance.now() - t0);
  }
  return { value, ms: Math.round(median(ms) * 10) / 10 };
}

const backend = await selectBackend();
const rows = [];
for (const p of presets) {
  const r = parseArchitecture(p.architecture);
  if (!r.ok) throw new Error(`preset ${p.id} doesn't parse`);
  const training = trainingConfigSchema.parse(p.training);
  // What runTraining hands over: the training model (fused, logits) → the saved model.
  const { model } = await buildModel(r.model, training.seed);
  const info = {
    architecture: r.model,
    training,
    backend: backend.name,
    paramCount: summarize(r.model).totalParams,
    epochs: 0,
    bestEpoch: null,
  };
  const save = await time(() => saveTrainedModel(model, info));
  model.dispose();
  const saved = { ...save.value, metadata: modelMetadata(info) };
  const zip = await time(() => packModel(saved));
  const unzip = await time(() => unpackModel(zip.value));
  const keras = await time(() => exportKeras(saved));
  const onnx = await time(() => exportOnnx(saved));
  const deflated = deflateSync(saved.weights, { level: 6 }).length;
  rows.push({
    preset: p.id,
    params: info.paramCount,
    weightsBytes: saved.weights.length,
    zipBytes: zip.value.length,
    kerasBytes: keras.value.length,
    onnxBytes: onnx.value.length,
    weightsDeflatedBytes: deflated,
    ms: { save: save.ms, pack: zip.ms, unpack: unzip.ms, keras: keras.ms, onnx: onnx.ms },
  });
}
const out = {
  date: new Date().toISOString(),
  backend: backend.name,
  tfjs: tf.version.tfjs,
  node: process.version,
  note: "median of 5 after a warm-up; save = training model → SavedModel (build the plain model, copy weights, serialise)",
  presets: rows,
};
console.log(JSON.stringify(out, null, 1));
if (process.argv[2]) writeFileSync(process.argv[2], `${JSON.stringify(out, null, 1)}\n`);
