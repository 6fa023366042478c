// `npm run bench:gpu [-- --smoke] [-- --skip-full] [-- --burst=16] [-- --concurrency=1,2,4,8]
// [-- --cpu-burst=K] [-- --backends=webgpu,wasm] [-- --presets=report-mlp] [-- --batches=32] [-- --data=DIR]
// [-- --measure-software] [-- --out=FILE]`:
// training speed of the report's CNN and MLP at batch 32 and 256 on every backend present, the
// same on wasm with 2 threads (the CPU worker) for the ratio, the time for a full report-CNN run
// to reach 91.2 % test accuracy, and jobs per hour for a burst of report-CNN submissions on one
// GPU with N concurrent processes against the 2-thread CPU worker. Method: bench/README.md "GPU".
// The GPU bundle (scripts/gpu-bundle) ships this file compiled as bench/gpu.mjs.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import tfjsPackage from "@tensorflow/tfjs/package.json" with { type: "json" };
import webgpuBackendPackage from "@tensorflow/tfjs-backend-webgpu/package.json" with { type: "json" };
import webgpuPackage from "webgpu/package.json" with { type: "json" };
import type { BackendInfo, BackendName } from "../trainer";
import {
  adapterOf,
  BATCHES,
  type ChildMessage,
  type ChildSpec,
  type ParentMessage,
  PRESETS,
  runChild,
  TARGET_ACCURACY,
} from "./gpu-child";
import { machineInfo } from "./machine";

const { values } = parseArgs({
  options: {
    child: { type: "string" },
    smoke: { type: "boolean" },
    "skip-full": { type: "boolean" },
    "skip-cpu-full": { type: "boolean" },
    burst: { type: "string" },
    concurrency: { type: "string" },
    "cpu-burst": { type: "string" },
    backends: { type: "string" },
    data: { type: "string" },
    "measure-software": { type: "boolean" },
    steps: { type: "string" },
    presets: { type: "string" },
    batches: { type: "string" },
    out: { type: "string" },
  },
});

type Unmeasured = { status: "unmeasured"; reason: string };
const unmeasured = (reason: string): Unmeasured => ({ status: "unmeasured", reason });

/** Starts this same file (source under tsx, or the bundle's gpu.mjs) as a child process. */
function startChild(spec: ChildSpec, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, [...process.execArgv, process.argv[1]!, `--child=${JSON.stringify(spec)}`], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env,
  });
}

function childResult(spec: ChildSpec): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = startChild(spec);
    let value: Record<string, unknown> | undefined;
    child.on("message", (m: ChildMessage) => {
      if (m.type === "result") value = m.value as Record<string, unknown>;
    });
    child.on("exit", (code, signal) =>
      value ? resolve(value) : reject(new Error(`${spec.backend} child exited (code ${code}, signal ${signal})`)),
    );
  });
}

/**
 * `jobs` report-CNN runs taken one at a time from a shared list by `concurrency` processes. The
 * clock starts when every process has loaded its backend and the data set (a worker's start-up
 * is not part of a burst) and stops when the last job ends.
 */
async function burst(base: ChildSpec, jobs: number, concurrency: number) {
  let nextJob = 0;
  let readyCount = 0;
  let t0 = 0;
  const finished: { index: number; seconds: number; testAccuracy: number; epochs: number }[] = [];
  const waiting: ChildProcess[] = [];
  const children = Array.from({ length: concurrency }, () => startChild({ ...base, role: "burst" }));
  const give = (child: ChildProcess) => {
    const m: ParentMessage = nextJob < jobs ? { type: "job", index: nextJob++ } : { type: "done" };
    child.send(m);
  };
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          child.on("message", (m: ChildMessage) => {
            if (m.type === "ready" && ++readyCount === concurrency) {
              t0 = performance.now();
              for (const c of waiting.splice(0)) give(c);
            } else if (m.type === "next") {
              if (readyCount < concurrency) waiting.push(child);
              else give(child);
            } else if (m.type === "finished") {
              finished.push({ index: m.index, seconds: m.ms / 1000, testAccuracy: m.testAccuracy, epochs: m.epochs });
            }
          });
          child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`burst worker exited with ${code}`))));
        }),
    ),
  );
  const wallSeconds = (performance.now() - t0) / 1000;
  return {
    jobsMeasured: finished.length,
    concurrency,
    wallSeconds,
    jobsPerHour: (finished.length / wallSeconds) * 3600,
    meanJobSeconds: finished.reduce((a, j) => a + j.seconds, 0) / finished.length,
    minTestAccuracy: Math.min(...finished.map((j) => j.testAccuracy)),
    jobs: finished.sort((a, b) => a.index - b.index),
  };
}

function nvidiaGpus(): string[] {
  try {
    return execFileSync("nvidia-smi", ["-L"], { encoding: "utf8", timeout: 5000 })
      .split("\n")
      .filter((l) => l.startsWith("GPU "));
  } catch {
    return [];
  }
}

const numbers = (s: string) => s.split(",").map(Number);

async function main(): Promise<void> {
  const smoke = values.smoke ?? false;
  const steps = smoke ? { 32: 2, 256: 2 } : { 32: Number(values.steps ?? 300), 256: Number(values.steps ?? 100) };
  const burstJobs = Number(values.burst ?? (smoke ? 2 : 16));
  const concurrencies = numbers(values.concurrency ?? (smoke ? "1,2" : "1,2,4,8"));
  const cpuBurstJobs = Number(values["cpu-burst"] ?? (smoke ? 1 : 2));
  const skipFull = values["skip-full"] ?? false;
  const backends = (values.backends ?? "tensorflow-gpu,webgpu,tensorflow,wasm").split(",") as BackendName[];
  const started = new Date().toISOString();
  const base = {
    smoke,
    threads: 1,
    ...(values.data ? { dataDir: values.data } : {}),
    ...(values.presets ? { presets: values.presets.split(",") } : {}),
    ...(values.batches ? { batches: numbers(values.batches) } : {}),
  };
  const machine = { ...machineInfo(), gpus: nvidiaGpus() };
  const versions = {
    node: process.version,
    tfjs: tfjsPackage.version,
    tfjsBackendWebgpu: webgpuBackendPackage.version,
    webgpu: webgpuPackage.version,
  };
  const stamp = (info: BackendInfo | undefined) => {
    const a = info && adapterOf(info);
    return {
      measuredAt: new Date().toISOString(),
      adapter: a
        ? { vendor: a.vendor, architecture: a.architecture, description: a.description, software: a.software }
        : null,
      machine: { cpus: machine.cpus, model: machine.cpuModel },
      versions,
    };
  };

  // Every backend present, one process each, speed at one thread (the GPU backends' way).
  const entries: Record<string, Record<string, unknown>> = {};
  let gpu: { name: BackendName; entry: Record<string, unknown> } | undefined;
  for (const name of backends) {
    const isGpu = name === "tensorflow-gpu" || name === "webgpu";
    const r = await childResult({
      ...base,
      role: "backend",
      backend: name,
      measureSoftware: values["measure-software"] ?? false,
      speed: true,
      full: false,
      steps,
    });
    const info = r.info as BackendInfo | undefined;
    entries[name] = { ...r, ...stamp(info) };
    if (isGpu && !gpu && r.present && r.speed && !(info && adapterOf(info)?.software)) gpu = { name, entry: r };
    console.log(`[bench:gpu] ${name}: ${r.present ? (r.status ?? "measured") : `absent (${r.reason})`}`);
  }

  // The 2-thread CPU worker: the same code on wasm with 2 replicas (its long runs come last).
  const cpuBase: ChildSpec = { ...base, role: "backend", backend: "wasm", threads: 2, steps };
  const cpu2 = await childResult({ ...cpuBase, speed: true });
  entries["wasm (2 threads)"] = { ...cpu2, ...stamp(cpu2.info as BackendInfo | undefined) };

  const noGpu = unmeasured(
    `no hardware GPU backend present (${backends
      .filter((b) => b === "tensorflow-gpu" || b === "webgpu")
      .map((b) => `${b}: ${entries[b]?.status ?? (entries[b]?.present ? "present" : entries[b]?.reason)}`)
      .join("; ")})`,
  );
  const gpuSection: Record<string, unknown> = {
    backend: gpu?.name ?? null,
    speed: gpu ? gpu.entry.speed : noGpu,
    ratioToCpu2: noGpu,
    fullRun: gpu ? unmeasured(skipFull ? "--skip-full" : "not reached: the run stopped before it") : noGpu,
    burst: gpu ? {} : noGpu,
  };
  const cpuSection: Record<string, unknown> = {
    backend: "wasm",
    threads: 2,
    speed: cpu2.speed,
    fullRun: unmeasured(skipFull ? "--skip-full" : values["skip-cpu-full"] ? "--skip-cpu-full" : "not reached"),
    burst: unmeasured(cpuBurstJobs > 0 ? "not reached" : "--cpu-burst=0"),
  };
  const result = {
    kind: smoke ? "smoke" : "measurement",
    ...(smoke
      ? { note: "smoke run: a few steps and one-epoch runs on the 2,000/1,000-image fixture subset; not a measurement" }
      : {}),
    started,
    finished: null as string | null,
    machine,
    loadavg1mAtEnd: null as number | null,
    versions,
    options: {
      steps,
      presets: base.presets ?? PRESETS,
      batches: base.batches ?? BATCHES,
      burstJobs,
      concurrencies,
      cpuBurstJobs,
      skipFull,
      backends,
      target: TARGET_ACCURACY,
    },
    backends: entries,
    gpu: gpuSection,
    cpu2Threads: cpuSection,
  };
  // Written after every stage: a run cut short (a device's time limit) keeps what it measured,
  // with `finished: null`.
  const file = values.out ?? join(dirname(process.argv[1]!), "results", smoke ? "gpu.smoke.tmp.json" : "gpu.json");
  mkdirSync(dirname(file), { recursive: true });
  const save = () => writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  save();

  if (gpu) {
    const ratio: Record<string, Record<string, number>> = {};
    const speedOf = (e: Record<string, unknown>) =>
      e.speed as Record<string, Record<string, { samplesPerSec: number }>>;
    for (const preset of base.presets ?? PRESETS) {
      ratio[preset] = {};
      for (const [k, v] of Object.entries(speedOf(gpu.entry)[preset]!)) {
        ratio[preset][k] = v.samplesPerSec / speedOf(cpu2)[preset]![k]!.samplesPerSec;
      }
    }
    gpuSection.ratioToCpu2 = ratio;
    const gpuBase: ChildSpec = { ...base, role: "backend", backend: gpu.name, threads: 1, steps };
    if (!skipFull) {
      gpuSection.fullRun = (await childResult({ ...gpuBase, full: true })).fullRun;
      save();
    }
    const bursts = gpuSection.burst as Record<string, unknown>;
    for (const n of concurrencies) {
      bursts[`concurrency${n}`] = await burst(gpuBase, burstJobs, n);
      save();
    }
  }
  if (!skipFull && !values["skip-cpu-full"]) {
    cpuSection.fullRun = (await childResult({ ...cpuBase, full: true })).fullRun;
    save();
  }
  if (cpuBurstJobs > 0) cpuSection.burst = await burst({ ...cpuBase, role: "burst" }, cpuBurstJobs, 1);
  result.finished = new Date().toISOString();
  result.loadavg1mAtEnd = machineInfo().loadavg1m;
  save();
  console.log(`wrote ${file}`);
}

// Last, so that everything above is initialised before either runs.
if (values.child) await runChild(JSON.parse(values.child) as ChildSpec);
else await main();
