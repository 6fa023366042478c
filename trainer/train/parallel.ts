// Synchronous data-parallel training over worker threads (what PyTorch's DDP does across
// processes). tfjs's wasm backend is single-threaded in Node (tfjs turns its threads off there),
// so one process uses one core; here every thread holds a replica of the model and its
// optimizer, each step's batch is split across the replicas, and the gradients are summed
// through shared memory before every replica applies the same sum. Replicas start from the same
// weights and apply bit-identical updates (the sum is taken in one fixed order everywhere), so
// they never drift apart and there is no weight broadcast. The batch size, learning rate and
// optimizer are the student's: the summed gradient is that of the whole batch's mean loss.
//
// Only per-batch statistics differ from one thread: BatchNormalization normalises each shard by
// its own mean and variance, and its moving averages are those of the main thread's shards
// (as with DDP without SyncBatchNorm).
//
// Synchronisation is Atomics on a SharedArrayBuffer, not messages: a step is ~20 ms, and a
// postMessage round trip through the event loop would cost more than the arithmetic it syncs.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type * as tf from "@tensorflow/tfjs";
import type { NormalizedModel } from "../arch/model";
import type { TrainingConfig } from "../arch/training";
import type { BackendName } from "../backend/select";
import { simdKernels, simdModule } from "../backend/simd";
import type { Split } from "../data/fashionMnist";
import { TrainerError } from "../errors";
import type { OptimizerState } from "./checkpoint";
import { seedNoise } from "./noise";
import {
  applyFlatGradients,
  type StepPlace,
  type StepRecipe,
  type StepStats,
  shardGradients,
  stepRecipe,
} from "./step";

// ctrl slots (Int32)
const SEQ = 0; // step number posted by the main thread (1-based); STOP_SEQ asks replicas to exit
const FROM = 1;
const TO = 2;
const DONE = 3; // replicas that finished computing their shard, cumulative over all steps
const FAILED = 4; // set by a replica that threw; its message is in the error buffer
const EPOCH = 5; // the step's epoch and batch: keys of the augmentation and noise seeds
const BATCH = 6;
// ctrl bytes 32–39 (Float64): the step's learning rate (a schedule changes it every step)
const RATE_OFFSET = 32;
export const STOP_SEQ = -1;
const ERROR_BYTES = 4096;

/** What a replica thread is started with (structured-cloned; the buffers are shared). */
export interface ReplicaInit {
  index: number;
  replicas: number;
  model: NormalizedModel;
  training: TrainingConfig;
  seed: number;
  backend: BackendName;
  inputShape: number[];
  weights: { values: Float32Array; shape: number[] }[];
  /** The main thread's optimizer state when it isn't fresh (a resumed run), else null. */
  optimizer: OptimizerState | null;
  ctrl: SharedArrayBuffer;
  order: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  error: SharedArrayBuffer;
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  params: number;
  /** The main thread's compiled SIMD kernels, when it has them (saves assembling per thread). */
  simdModule: WebAssembly.Module | null;
}

/** The shared state, seen the same way from the main thread and every replica. */
export class StepChannel {
  readonly ctrl: Int32Array;
  /** The step's learning rate, beside ctrl in the same buffer. */
  readonly rate: Float64Array;
  readonly order: Int32Array;
  readonly grads: Float32Array;
  readonly stats: Float64Array;
  readonly errorBytes: Uint8Array;
  private readonly sum: Float32Array;

  constructor(
    readonly init: Pick<ReplicaInit, "ctrl" | "order" | "grads" | "stats" | "error" | "replicas" | "params">,
  ) {
    this.ctrl = new Int32Array(init.ctrl);
    this.rate = new Float64Array(init.ctrl, RATE_OFFSET, 1);
    this.order = new Int32Array(init.order);
    this.grads = new Float32Array(init.grads);
    this.stats = new Float64Array(init.stats);
    this.errorBytes = new Uint8Array(init.error);
    this.sum = new Float32Array(init.params);
  }

  /** Where replica `r` writes its gradients for step `seq` (two buffers, alternating by step). */
  gradSlot(seq: number, r: number): Float32Array {
    const p = this.init.params;
    const base = ((seq & 1) * this.init.replicas + r) * p;
    return this.grads.subarray(base, base + p);
  }

  private statSlot(seq: number, r: number): number {
    return ((seq & 1) * this.init.replicas + r) * 2;
  }

  /** The bounds of replica r's shard of [from, to): contiguous, sizes differing by at most one. */
  shard(from: number, to: number, r: number): [number, number] {
    const n = to - from;
    const k = this.init.replicas;
    return [from + Math.floor((n * r) / k), from + Math.floor((n * (r + 1)) / k)];
  }

  /** Computes replica r's part of step `seq`, publishes it, waits for all, returns the summed gradient. */
  runShard(
    seq: number,
    r: number,
    compute: (from: number, to: number, weight: number, out: Float32Array) => StepStats,
    waitMs: number,
  ): { grad: Float32Array; stats: StepStats } {
    const from = this.ctrl[FROM];
    const to = this.ctrl[TO];
    const [a, b] = this.shard(from, to, r);
    const s = compute(a, b, (b - a) / (to - from), this.gradSlot(seq, r));
    const st = this.statSlot(seq, r);
    this.stats[st] = s.lossSum;
    this.stats[st + 1] = s.correct;
    Atomics.add(this.ctrl, DONE, 1);
    Atomics.notify(this.ctrl, DONE);
    this.waitForDone(seq * this.init.replicas, waitMs);
    // Every replica adds the same buffers in the same order, so all get the same float sum.
    const sum = this.sum;
    sum.set(this.gradSlot(seq, 0));
    for (let q = 1; q < this.init.replicas; q++) {
      const g = this.gradSlot(seq, q);
      for (let i = 0; i < sum.length; i++) sum[i] += g[i];
    }
    let lossSum = 0;
    let correct = 0;
    for (let q = 0; q < this.init.replicas; q++) {
      lossSum += this.stats[this.statSlot(seq, q)];
      correct += this.stats[this.statSlot(seq, q) + 1];
    }
    return { grad: sum, stats: { lossSum, correct } };
  }

  private waitForDone(target: number, waitMs: number): void {
    const deadline = performance.now() + waitMs;
    for (;;) {
      if (Atomics.load(this.ctrl, FAILED))
        throw new TrainerError("INTERNAL", `a training thread failed: ${this.errorMessage()}`);
      const done = Atomics.load(this.ctrl, DONE);
      if (done >= target) return;
      if (performance.now() > deadline)
        throw new TrainerError(
          "INTERNAL",
          `a training thread stopped answering (waited ${Math.round(waitMs / 1000)} s for step results)`,
        );
      Atomics.wait(this.ctrl, DONE, done, 1000);
    }
  }

  fail(message: string): void {
    const bytes = new TextEncoder().encode(message).subarray(0, ERROR_BYTES);
    this.errorBytes.set(bytes);
    Atomics.store(this.ctrl, FAILED, 1);
    Atomics.notify(this.ctrl, DONE);
  }

  errorMessage(): string {
    const end = this.errorBytes.indexOf(0);
    return new TextDecoder().decode(this.errorBytes.slice(0, end < 0 ? undefined : end)) || "unknown error";
  }

  /** The posted step's place in the run (replica side). */
  place(): StepPlace {
    return { epoch: this.ctrl[EPOCH], batch: this.ctrl[BATCH], learningRate: this.rate[0] };
  }

  /** Replica side: blocks until the main thread posts a step after `lastSeq`; STOP_SEQ to exit. */
  nextStep(lastSeq: number): number {
    for (;;) {
      Atomics.wait(this.ctrl, SEQ, lastSeq);
      const seq = Atomics.load(this.ctrl, SEQ);
      if (seq !== lastSeq) return seq;
    }
  }
}

function toShared(a: Uint8Array): Uint8Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Uint8Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

// Compiled into a bundle (scripts/gpu-bundle: JavaScript, no tsx, no node_modules), this code runs
// from a .mjs beside the compiled replica entry; from the sources it is TypeScript.
const COMPILED = !import.meta.url.endsWith(".ts");
const REPLICA_ENTRY = COMPILED ? new URL("./replica.mjs", import.meta.url) : new URL("./replica.ts", import.meta.url);

// The replica is TypeScript: start it with tsx's loader unless this process already has it
// (under `tsx` the worker inherits it; under vitest it doesn't). Compiled, it needs no loader.
function workerExecArgv(): string[] {
  const argv = process.execArgv.filter((a) => !a.startsWith("--cpu-prof") && !a.startsWith("--inspect"));
  if (COMPILED || argv.some((a) => a.includes("tsx"))) return argv;
  return [...argv, "--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href];
}

// How long the main thread waits for a step's shards: far above a step's time even for the
// largest allowed model on a slow machine, so it only fires when a thread is gone.
const STEP_WAIT_MS = 10 * 60_000;

/** The main thread's side: replica 0 is this thread's model, the others run in workers. */
export class DataParallel {
  private seq = 0;
  private closed = false;
  private readonly recipe: StepRecipe;

  private constructor(
    private readonly channel: StepChannel,
    private readonly workers: Worker[],
    private readonly model: tf.LayersModel,
    private readonly vars: tf.Variable[],
    private readonly optimizer: tf.Optimizer,
    private readonly split: Split,
    private readonly inputShape: number[],
    training: TrainingConfig,
    private readonly noise: tf.layers.Layer[],
  ) {
    this.recipe = stepRecipe(training);
  }

  static async start(opts: {
    replicas: number;
    model: tf.LayersModel;
    vars: tf.Variable[];
    optimizer: tf.Optimizer;
    normalized: NormalizedModel;
    training: TrainingConfig;
    seed: number;
    backend: BackendName;
    split: Split;
    inputShape: number[];
    optimizerState?: OptimizerState | null;
    /** The main model's seedable noise layers (noise.ts), seeded per step like the replicas'. */
    noise: tf.layers.Layer[];
  }): Promise<DataParallel> {
    const params = opts.vars.reduce((a, v) => a + v.size, 0);
    const k = opts.replicas;
    const shared = {
      ctrl: new SharedArrayBuffer(64),
      order: new SharedArrayBuffer(4 * opts.split.count),
      grads: new SharedArrayBuffer(4 * 2 * k * params),
      stats: new SharedArrayBuffer(8 * 2 * k * 2),
      error: new SharedArrayBuffer(ERROR_BYTES),
    };
    const split: Split = {
      images: toShared(opts.split.images),
      labels: toShared(opts.split.labels),
      count: opts.split.count,
    };
    const channel = new StepChannel({ ...shared, replicas: k, params });
    // All weights (not only the trainable ones), so frozen layers and BN statistics match too.
    const weights = opts.model.getWeights().map((w) => ({ values: w.dataSync() as Float32Array, shape: w.shape }));
    const simd = simdKernels() ? await simdModule() : null;
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let r = 1; r < k; r++) {
      const init: ReplicaInit = {
        index: r,
        replicas: k,
        model: opts.normalized,
        training: opts.training,
        seed: opts.seed,
        backend: opts.backend,
        inputShape: opts.inputShape,
        weights,
        optimizer: opts.optimizerState ?? null,
        ...shared,
        images: split.images,
        labels: split.labels,
        count: split.count,
        params,
        simdModule: simd,
      };
      const w = new Worker(REPLICA_ENTRY, {
        workerData: init,
        execArgv: workerExecArgv(),
        stdout: false,
        stderr: false,
      });
      workers.push(w);
      ready.push(
        new Promise<void>((resolve, reject) => {
          w.once("message", (m: { type: string; message?: string }) =>
            m.type === "ready"
              ? resolve()
              : reject(new TrainerError("INTERNAL", `training thread ${r} failed to start: ${m.message}`)),
          );
          w.once("error", (e) =>
            reject(new TrainerError("INTERNAL", `training thread ${r} failed to start: ${e.message}`)),
          );
          w.once("exit", (code) =>
            reject(new TrainerError("INTERNAL", `training thread ${r} exited with code ${code} while starting`)),
          );
        }),
      );
    }
    const dp = new DataParallel(
      channel,
      workers,
      opts.model,
      opts.vars,
      opts.optimizer,
      split,
      opts.inputShape,
      opts.training,
      opts.noise,
    );
    try {
      await Promise.all(ready);
    } catch (e) {
      await dp.close();
      throw e;
    }
    return dp;
  }

  /** Publishes an epoch's sample order; replicas read their shards' indices from it. */
  setOrder(order: ArrayLike<number>): void {
    this.channel.order.set(order);
  }

  /** One synchronous step over order[from, to) across all replicas. */
  step(from: number, to: number, place: StepPlace): StepStats {
    const c = this.channel;
    const seq = ++this.seq;
    c.ctrl[FROM] = from;
    c.ctrl[TO] = to;
    c.ctrl[EPOCH] = place.epoch;
    c.ctrl[BATCH] = place.batch;
    c.rate[0] = place.learningRate;
    Atomics.store(c.ctrl, SEQ, seq);
    Atomics.notify(c.ctrl, SEQ);
    const split = this.split;
    const recipe = this.recipe;
    seedNoise(this.noise, recipe.seed, place.epoch, place.batch, 0);
    const { grad, stats } = c.runShard(
      seq,
      0,
      (a, b, weight, out) =>
        shardGradients(this.model, this.vars, split, c.order, a, b, this.inputShape, weight, out, recipe, place.epoch),
      STEP_WAIT_MS,
    );
    applyFlatGradients(this.optimizer, this.vars, grad, place.learningRate, recipe.weightDecay);
    return stats;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const c = this.channel.ctrl;
    Atomics.store(c, SEQ, STOP_SEQ);
    Atomics.notify(c, SEQ);
    // A replica may be waiting for this thread's shard (when this thread threw mid-step).
    Atomics.store(c, FAILED, 1);
    Atomics.notify(c, DONE);
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const t = setTimeout(() => void w.terminate().then(() => resolve()), 5000);
            w.once("exit", () => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
  }
}
