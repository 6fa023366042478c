// `npm run bench:train [-- --quick] [-- --full=report-cnn,report-mlp] [-- --merge]`: training
// speed of the report's CNN and MLP on the chosen tfjs backend (single-threaded and data-parallel
// over all cores), the same networks in PyTorch side by side (glibc default and tuned allocator),
// and full runs (accuracy, time-to-accuracy, peak RSS). Writes bench/results/train.json;
// --merge keeps the full runs already there that this run doesn't redo (each has its date);
// --skip-speed also keeps the speed section (e.g. `-- --skip-speed --merge --full=catwalk-cnn`).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import {
  DEBIAN_DIR,
  getPreset,
  loadFashionMnist,
  parseArchitecture,
  selectBackend,
  summarize,
  trainingThreads,
} from "../trainer";
import { trainingThroughput } from "./throughput";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    full: { type: "string" },
    steps: { type: "string" },
    merge: { type: "boolean" },
    "skip-speed": { type: "boolean" },
    /** Full runs once per seed (e.g. `--seeds=42,1,2`), each stored as "<preset> (seed N)", with their mean and spread. */
    seeds: { type: "string" },
  },
});
const RESULTS = join(import.meta.dirname, "results");
mkdirSync(RESULTS, { recursive: true });
const STEPS = Number(values.steps ?? 300);
const BATCH = 32; // the report's recipe (Keras's default batch size)
const TUNED = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296";
const TARGETS: Record<string, number> = {
  "report-cnn": 0.912,
  "report-mlp": 0.88,
  // Issue #15 part 3: 93.5 % within 10 minutes of training.
  "catwalk-cnn": 0.935,
  "report-single-layer": 0.7356,
};

const backend = await selectBackend();
const full = await loadFashionMnist();
const tfjsSpeed = (id: string, threads: number) =>
  trainingThroughput({ preset: id, batchSize: BATCH, steps: STEPS, threads, data: full });
// What a full-size run of this model uses by default (runTraining's own rule).
function defaultThreads(id: string): number {
  const r = parseArchitecture(getPreset(id)!.architecture);
  if (!r.ok) throw new Error(`preset ${id} does not parse`);
  const { totalParams, flopsPerSample } = summarize(r.model);
  return trainingThreads({
    backend: backend.name,
    batchSize: BATCH,
    trainSamples: 54_000,
    flopsPerSample,
    params: totalParams,
  });
}

function torchSpeed(
  model: "cnn" | "mlp",
  tuned: boolean,
): { samplesPerSec: number; torch: string } | { error: string } {
  const py = "/usr/bin/python3";
  if (!existsSync(py)) return { error: "no /usr/bin/python3" };
  const env = { ...process.env, ...(tuned ? { GLIBC_TUNABLES: TUNED } : {}) };
  if (!tuned) delete env.GLIBC_TUNABLES;
  const r = spawnSync(
    py,
    [
      join(import.meta.dirname, "torch_train.py"),
      "--model",
      model,
      "--batch",
      String(BATCH),
      "--steps",
      String(STEPS),
      "--data",
      DEBIAN_DIR,
    ],
    { env, encoding: "utf8" },
  );
  if (r.status !== 0) return { error: (r.stderr || "").trim().split("\n").slice(-1)[0] || `exit ${r.status}` };
  return JSON.parse(r.stdout.trim().split("\n").slice(-1)[0]);
}

const started = new Date().toISOString();
const load0 = loadavg();
const file = join(RESULTS, values.quick ? "train.quick.tmp.json" : "train.json");
const before =
  (values.merge || values["skip-speed"]) && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
// --skip-speed (with --merge): keep the speed section of the file, measured in an earlier run.
const speed: Record<string, unknown> = values["skip-speed"] && before ? before.speed : {};
for (const [id, model] of values["skip-speed"]
  ? []
  : ([
      ["report-cnn", "cnn"],
      ["report-mlp", "mlp"],
    ] as const)) {
  const single = await tfjsSpeed(id, 1);
  const threads = defaultThreads(id);
  // Both measured, side by side; samplesPerSec is what a real run of this model uses.
  const parallel = await tfjsSpeed(id, Math.max(2, threads));
  const tfjs = threads > 1 ? parallel : single;
  const torchDefault = torchSpeed(model, false);
  const torchTuned = torchSpeed(model, true);
  const ratio = (t: typeof torchDefault) => ("samplesPerSec" in t ? tfjs / t.samplesPerSec : null);
  speed[id] = {
    batchSize: BATCH,
    steps: STEPS,
    tfjs: {
      backend: backend.name,
      threads,
      samplesPerSec: tfjs,
      singleThreadSamplesPerSec: single,
      dataParallelSamplesPerSec: parallel,
    },
    pytorchDefaultAlloc: torchDefault,
    pytorchTunedAlloc: torchTuned,
    ratioTfjsToPytorchDefault: ratio(torchDefault),
    ratioTfjsToPytorchTuned: ratio(torchTuned),
  };
  console.log(id, JSON.stringify(speed[id]));
}

const fullRuns: Record<string, unknown> = { ...(values.merge && before ? before.fullRuns : {}) };
const fullIds = values.quick ? [] : (values.full ?? "report-cnn,report-mlp").split(",").filter(Boolean);
const seeds = values.seeds ? values.seeds.split(",").map(Number) : [undefined];
const seedSummaries: Record<string, unknown> = {};
for (const id of fullIds) {
  const testAccuracies: number[] = [];
  const trainSeconds: number[] = [];
  for (const seed of seeds) {
    const key = seed === undefined ? id : `${id} (seed ${seed})`;
    const out = join(RESULTS, `${id}.full.tmp`);
    const tsx = join(import.meta.dirname, "..", "node_modules", ".bin", "tsx");
    execFileSync(
      tsx,
      [join(import.meta.dirname, "full-run.ts"), id, out, "", ...(seed === undefined ? [] : [String(seed)])],
      {
        stdio: "inherit",
      },
    );
    const r = JSON.parse(readFileSync(out, "utf8"));
    rmSync(out);
    const target = TARGETS[id];
    const hit = (r.testByEpoch as { epoch: number; testAccuracy: number; trainMs: number }[]).find(
      (e) => e.testAccuracy >= target,
    );
    fullRuns[key] = {
      measuredAt: new Date().toISOString(),
      ...(seed === undefined ? {} : { seed }),
      threads: r.threads,
      testAccuracy: r.testAccuracy,
      testLoss: r.testLoss,
      publicAccuracy: r.publicAccuracy,
      privateAccuracy: r.privateAccuracy,
      target,
      meetsTarget: r.testAccuracy >= target,
      epochs: r.epochs,
      bestEpoch: r.bestEpoch,
      stopReason: r.stopReason,
      trainSeconds: r.trainDurationMs / 1000,
      evalSeconds: r.evalDurationMs / 1000,
      meanSamplesPerSec:
        r.history.reduce((a: number, h: { samplesPerSec: number }) => a + h.samplesPerSec, 0) / r.history.length,
      timeToTargetSeconds: hit ? hit.trainMs / 1000 : null,
      epochToTarget: hit ? hit.epoch : null,
      peakRssMiB: r.peakRssMiB,
      testAccuracyByEpoch: r.testByEpoch,
      history: r.history,
      confusionMatrix: r.confusionMatrix,
    };
    testAccuracies.push(r.testAccuracy);
    trainSeconds.push(r.trainDurationMs / 1000);
    console.log(key, JSON.stringify({ ...(fullRuns[key] as object), history: undefined, confusionMatrix: undefined }));
  }
  if (seeds.length > 1) {
    const stats = (xs: number[]) => {
      const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
      return { mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
    };
    seedSummaries[id] = {
      seeds,
      target: TARGETS[id],
      testAccuracy: stats(testAccuracies),
      trainSeconds: stats(trainSeconds),
    };
    console.log(id, JSON.stringify(seedSummaries[id]));
  }
}

const result = {
  started,
  finished: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    loadAverageAtStart: load0,
    loadAverageAtEnd: loadavg(),
    node: process.version,
  },
  tfjs: { version: tf.version.tfjs, backend },
  ...(values["skip-speed"] && before
    ? {
        speedMeasuredIn: {
          started: before.speedMeasuredIn?.started ?? before.started,
          machine: before.speedMeasuredIn?.machine ?? before.machine,
        },
      }
    : {}),
  speed,
  fullRuns,
  ...(Object.keys(seedSummaries).length
    ? { seedSummaries }
    : values.merge && before?.seedSummaries
      ? { seedSummaries: before.seedSummaries }
      : {}),
};
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${file}`);
