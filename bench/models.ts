// `npm run bench:models` → bench/results/models.json: what keeping trained models costs and gives.
//   1. artifact sizes per preset: the stored tfjs zip, the Keras and ONNX downloads, and how long
//      each conversion takes (first call and warm), from the preset's model as built;
//   2. re-evaluate time: the report CNN's saved model scored on all 10,000 test images, as the
//      worker's evaluate-submission job does it (load + predict + metrics), on this machine's
//      backend, against the time training it takes per epoch (from the checkpoint section);
//   3. checkpoint overhead per epoch (bench/checkpoint.ts, its own process: full 60k epochs of the
//      report CNN, into PostgreSQL);
//   4. browser inference latency per prediction in Chromium (bench/browser-inference.ts).
// Sections 3 and 4 run as child processes and their own JSON is folded in. `-- --skip 3,4` leaves
// sections out (their previous results, if any, are kept as they were).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import {
  buildModel,
  evaluateSavedModel,
  exportKeras,
  exportOnnx,
  getPreset,
  loadFashionMnist,
  packModel,
  parseArchitecture,
  parseTrainingConfig,
  presets,
  saveTrainedModel,
  selectBackend,
  summarize,
} from "../trainer";

const { values } = parseArgs({ options: { skip: { type: "string", default: "" } } });
const skip = new Set(values.skip!.split(",").filter(Boolean).map(Number));
const OUT = "bench/results/models.json";
const previous = existsSync(OUT) ? JSON.parse(readFileSync(OUT, "utf8")) : {};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function savedPreset(id: string) {
  const preset = getPreset(id)!;
  const parsed = parseArchitecture(preset.architecture);
  const training = parseTrainingConfig(preset.training);
  if (!parsed.ok || !training.ok) throw new Error(`preset ${id} does not parse`);
  const { model } = await buildModel(parsed.model, training.config.seed);
  try {
    return await saveTrainedModel(model, {
      architecture: parsed.model,
      training: training.config,
      backend: "bench",
      paramCount: summarize(parsed.model).totalParams,
      epochs: 0,
      bestEpoch: null,
    });
  } finally {
    model.dispose();
  }
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await run();
  return { value, ms: performance.now() - t0 };
}

async function sizes() {
  const rows = [];
  for (const preset of presets) {
    const saved = await savedPreset(preset.id);
    const keras = await timed(() => exportKeras(saved));
    const onnx = await timed(() => exportOnnx(saved));
    const kerasWarm: number[] = [];
    const onnxWarm: number[] = [];
    for (let i = 0; i < 3; i++) {
      kerasWarm.push((await timed(() => exportKeras(saved))).ms);
      onnxWarm.push((await timed(() => exportOnnx(saved))).ms);
    }
    rows.push({
      preset: preset.id,
      params: saved.metadata.paramCount,
      weightsBytes: saved.weights.byteLength,
      storedTfjsZipBytes: packModel(saved).byteLength,
      kerasBytes: keras.value.byteLength,
      onnxBytes: onnx.value.byteLength,
      kerasExportMs: { first: round(keras.ms), warm: round(median(kerasWarm)) },
      onnxExportMs: { first: round(onnx.ms), warm: round(median(onnxWarm)) },
    });
    console.log(rows.at(-1));
  }
  return rows;
}

async function reevaluate() {
  const data = await loadFashionMnist();
  const backend = await selectBackend();
  const saved = await savedPreset("report-cnn");
  const runs: number[] = [];
  let accuracy = 0;
  for (let i = 0; i < 3; i++) {
    const r = await evaluateSavedModel(saved, data.test);
    runs.push(r.evalDurationMs);
    accuracy = r.testAccuracy;
  }
  const result = {
    preset: "report-cnn",
    backend: backend.name,
    testImages: data.test.count,
    dataSource: data.source,
    msPerRun: runs.map((x) => round(x)),
    medianMs: round(median(runs)),
    untrainedAccuracy: accuracy,
  };
  console.log(result);
  return result;
}

function child(script: string, args: string[], out: string) {
  execFileSync(process.execPath, ["--conditions=react-server", "--import", "tsx", script, ...args], {
    stdio: "inherit",
  });
  return JSON.parse(readFileSync(out, "utf8"));
}

const result = {
  ...previous,
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map((x) => round(x, 2)) },
  ...(skip.has(1) ? {} : { sizes: await sizes() }),
  ...(skip.has(2) ? {} : { reevaluate: await reevaluate() }),
  ...(skip.has(3) ? {} : { checkpoint: child("bench/checkpoint.ts", [], "bench/results/checkpoint.json") }),
  ...(skip.has(4)
    ? {}
    : { browserInference: child("bench/browser-inference.ts", [], "bench/results/browser-inference.json") }),
};
writeFileSync(OUT, `${JSON.stringify(result, null, 1)}\n`);
console.log(`wrote ${OUT}`);
