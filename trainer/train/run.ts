import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import type { ParseOptions } from "../arch/limits";
import type { NormalizedModel } from "../arch/model";
import { parseArchitecture } from "../arch/parse";
import { summarize } from "../arch/summary";
import { parseTrainingConfig } from "../arch/training";
import { type BackendInfo, type BackendName, type GpuAdapter, selectBackend } from "../backend/select";
import { GpuMemoryError, webgpuDeviceLost } from "../backend/webgpu";
import { type FashionMnist, loadFashionMnist, type Split } from "../data/fashionMnist";
import {
  accuracyOn,
  type ClassMetrics,
  confusionMatrix,
  perClassMetrics,
  permutation,
  publicPrivateSplit,
} from "../data/scoring";
import { type EnvVars, readEnv } from "../env";
import { TrainerError } from "../errors";
import type { SavedModel } from "../export/format";
import { saveTrainedModel } from "../export/save";
import { captureCheckpoint, type LoopState, resumeFrom, snapshotOptimizer, unseededLayers } from "./checkpoint";
import { runFingerprint } from "./checkpoint-format";
import { buildModel } from "./model";
import { seedableNoiseLayers, seedNoise } from "./noise";
import { DataParallel } from "./parallel";
import { initialPlateau, type PlateauState, plateauStep, scheduledRate } from "./schedule";
import {
  applyWeightDecay,
  augmentOf,
  makeBatch,
  makeOptimizer,
  type StepPlace,
  type StepStats,
  scoreLogits,
  setLearningRate,
  stepRecipe,
  trainableVariables,
  trainingLoss,
} from "./step";

export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  samplesPerSec: number;
  durationMs: number;
  /** Upper bound: remaining epochs up to maxEpochs at the mean epoch time so far. */
  etaMs: number;
  /** The learning rate at the epoch's last step (schedules and ReduceLROnPlateau change it). */
  learningRate?: number;
}

export interface ProgressEvent {
  epoch: number;
  batch: number;
  batches: number;
  samplesPerSec: number;
  loss: number;
}

export interface TrainingOutcome {
  testAccuracy: number;
  testLoss: number;
  publicAccuracy: number;
  privateAccuracy: number;
  /** rows = true class, columns = predicted class. */
  confusionMatrix: number[][];
  perClass: ClassMetrics[];
  history: EpochMetrics[];
  /** Predicted label of every test image, in test-file order. */
  predictions: Uint8Array;
  paramCount: number;
  /** Epochs actually trained. */
  epochs: number;
  /** The epoch whose weights were kept (1-based), when early stopping restored them. */
  bestEpoch: number | null;
  backend: BackendName;
  /** The GPU it trained on (webgpu). */
  adapter?: GpuAdapter;
  /** Data-parallel threads the model trained on (1 = the plain single-threaded loop). */
  threads: number;
  trainDurationMs: number;
  evalDurationMs: number;
  stoppedEarly: boolean;
  stopReason: string;
  trainSamples: number;
  valSamples: number;
  testSamples: number;
  notes: string[];
  /** The trained model as users load it (softmax outputs, stock tfjs layers) + its metadata. */
  model: SavedModel;
}

export interface RunTrainingOptions {
  /** Keras model JSON (object or text), builder format, or a parsed NormalizedModel. */
  architecture: unknown;
  training?: unknown;
  /** Defaults to the full data set found by loadFashionMnist(). */
  data?: FashionMnist;
  signal?: AbortSignal;
  onEpoch?: (m: EpochMetrics) => void | Promise<void>;
  onProgress?: (p: ProgressEvent) => void;
  backend?: BackendName;
  limits?: ParseOptions;
  /** Overrides training.maxEpochs (CLI --epochs). */
  maxEpochs?: number;
  /**
   * Benchmarks only (time-to-accuracy): called with the test accuracy after every epoch. Never
   * feeds back into training or model selection; costs one test-set pass per epoch.
   */
  onEpochTest?: (epoch: number, testAccuracy: number, trainMsSoFar: number) => void;
  /**
   * Data-parallel replicas (threads) for the wasm and cpu backends, which use one core each.
   * Default: CATWALK_TRAIN_THREADS, else one per available core when it pays (trainingThreads).
   * Native backends use 1 (they thread their own kernels).
   */
  threads?: number;
  /** Checkpoints after epochs (see checkpoint.ts), and the one to resume from. */
  checkpoint?: CheckpointOptions;
}

export interface CheckpointOptions {
  /**
   * A checkpoint an earlier attempt of this run saved: training continues after its epoch. One
   * that doesn't fit the run (damaged, another architecture/config/seed/data) is not used: the
   * run starts at epoch 1 and its notes say why.
   */
  resume?: Uint8Array | null;
  /**
   * Stores a checkpoint; awaited before the next epoch starts. A rejection doesn't stop
   * training (the run's notes say the checkpoint was not stored).
   */
  save: (bytes: Uint8Array, epoch: number) => Promise<void>;
  /**
   * Minimum time between two checkpoints (default 0: after every epoch). The last epoch is
   * always saved, so a crash while scoring or storing the result doesn't retrain anything.
   */
  minIntervalMs?: number;
  /** Called once a checkpoint was restored, before training continues (the worker seeds its history). */
  onResume?: (r: { epoch: number; history: EpochMetrics[] }) => void;
}

/**
 * The data order's formula (the permutation of each epoch below), part of every checkpoint's
 * fingerprint: change the name when the formula changes, so old checkpoints are refused.
 */
const DATA_ORDER =
  "permutation(n, (seed ^ 0x5bd1e995) + epoch * 2654435761), v1; augmentation keys (seed, epoch, position) v1; noise seeds (seed, epoch, batch, replica, layer) v1";

// Starting a replica thread costs ~1–3 s (loading tfjs and compiling wasm in it): below this many
// training images per epoch a run is over before the threads pay for themselves.
const MIN_SAMPLES_FOR_THREADS = 10_000;
// Per step, each replica's extra work grows with the parameter count (reading its gradients out,
// the sum, and the optimizer update every replica repeats), while the work that gets split grows
// with FLOPs × batch size. Below this ratio splitting doesn't pay: measured side by side, the
// report's MLP (ratio 64) trains at 0.55–0.72× on 2 threads, its CNN (682 at batch 32) at 1.1–1.4×
// (bench/README.md).
const MIN_FLOPS_PER_PARAM_STEP = 300;

export interface ThreadingInput {
  backend: BackendName;
  batchSize: number;
  trainSamples: number;
  /** Forward FLOPs per sample and trainable parameters (from the parsed architecture). */
  flopsPerSample: number;
  params: number;
}

/**
 * Replicas to train with. An explicit request (option or CATWALK_TRAIN_THREADS) is honoured;
 * by default one per core for full-size runs of compute-heavy models (convnets). Never more than
 * one per 8 samples of a batch (shards get too small), and 1 on native backends.
 */
export function trainingThreads(w: ThreadingInput, requested?: number, env?: EnvVars): number {
  if (w.backend === "tensorflow" || w.backend === "tensorflow-gpu" || w.backend === "webgpu") return 1;
  const worthIt =
    w.trainSamples >= MIN_SAMPLES_FOR_THREADS &&
    (w.flopsPerSample * w.batchSize) / Math.max(1, w.params) >= MIN_FLOPS_PER_PARAM_STEP;
  // The variable is only read when nothing was asked for: an explicit request never fails on it.
  const wanted = requested ?? readEnv("CATWALK_TRAIN_THREADS", env) ?? (worthIt ? availableParallelism() : 1);
  return Math.max(1, Math.min(wanted, 16, Math.floor(w.batchSize / 8)));
}

const EVAL_BATCH = 1000;

function isNormalized(x: unknown): x is NormalizedModel {
  return typeof x === "object" && x !== null && "keras" in x && "layers" in x && "inputShape" in x;
}

async function evaluate(
  model: tf.LayersModel,
  split: Split,
  idx: ArrayLike<number>,
  inputShape: number[],
): Promise<{ loss: number; accuracy: number; predictions: Uint8Array }> {
  const preds = new Uint8Array(idx.length);
  let lossSum = 0;
  let correct = 0;
  for (let from = 0; from < idx.length; from += EVAL_BATCH) {
    const to = Math.min(idx.length, from + EVAL_BATCH);
    const b = makeBatch(split, idx, from, to, inputShape);
    const logits = tf.tidy(() => model.apply(b.x, { training: false }) as tf.Tensor);
    // data(), not dataSync(): a GPU backend (webgpu) can only read its buffers asynchronously.
    const r = scoreLogits((await logits.data()) as Float32Array, b.labels, preds, from);
    tf.dispose([b.x, b.y, logits]);
    lossSum += r.lossSum;
    correct += r.correct;
  }
  return { loss: lossSum / idx.length, accuracy: correct / idx.length, predictions: preds };
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

export async function runTraining(opts: RunTrainingOptions): Promise<TrainingOutcome> {
  const parsed = isNormalized(opts.architecture)
    ? { ok: true as const, model: opts.architecture, notes: [] }
    : parseArchitecture(opts.architecture, opts.limits);
  if (!parsed.ok) {
    const e = parsed.errors[0];
    const where =
      e.layerIndex !== null
        ? `layer ${e.layerIndex}${e.layerName ? ` '${e.layerName}'` : ""}${e.field ? `, field '${e.field}'` : ""}: `
        : e.field
          ? `${e.field}: `
          : "";
    throw new TrainerError(
      "INVALID_ARCHITECTURE",
      `${where}${e.message}${parsed.errors.length > 1 ? ` (+${parsed.errors.length - 1} more)` : ""}`,
      parsed.errors,
    );
  }
  const cfgR = parseTrainingConfig(opts.training ?? {});
  if (!cfgR.ok)
    throw new TrainerError(
      "INVALID_CONFIG",
      cfgR.errors.map((e) => `${e.field}: ${e.message}`).join("; "),
      cfgR.errors,
    );
  const cfg = { ...cfgR.config, ...(opts.maxEpochs ? { maxEpochs: opts.maxEpochs } : {}) };
  const nm = parsed.model;
  const notes = [...parsed.notes];
  if (opts.signal?.aborted) throw new TrainerError("CANCELLED", "cancelled before training started");

  const data = opts.data ?? (await loadFashionMnist());
  const backend: BackendInfo = await selectBackend(opts.backend);
  const onGpu = backend.name === "webgpu";
  const inputShape = nm.inputShape;
  const { totalParams: paramCount, flopsPerSample } = summarize(nm);

  // Validation = a seeded random 10 % of the training set; the test set is only used at the end.
  const perm = permutation(data.train.count, cfg.seed);
  const nVal = Math.round(data.train.count * cfg.validationSplit);
  const trainIdx = perm.slice(0, data.train.count - nVal);
  const valIdx = perm.slice(data.train.count - nVal);
  if (trainIdx.length === 0) throw new TrainerError("INVALID_CONFIG", "validationSplit leaves no training images");

  const { model, fused } = await buildModel(nm, cfg.seed);
  if (fused.length)
    notes.push(
      `Layers ${fused.map((n) => `'${n}'`).join(" and ")} ran as one fused layer (same function and gradients, faster).`,
    );
  const optimizer = makeOptimizer(cfg);
  const recipe = stepRecipe(cfg);
  const noise = seedableNoiseLayers(model);
  // Only this model's trainable weights (frozen layers excluded), whatever else lives in the engine.
  const varList = trainableVariables(model);
  // Graph models too: every replica builds the same graph with buildModel (parallel.test.ts).
  const threads = trainingThreads(
    {
      backend: backend.name,
      batchSize: cfg.batchSize,
      trainSamples: trainIdx.length,
      flopsPerSample,
      params: paramCount,
    },
    opts.threads,
  );
  let dp: DataParallel | null = null;
  let history: EpochMetrics[] = [];
  let best: { value: number; epoch: number; weights: tf.Tensor[] | null } | null = null;
  let wait = 0;
  let plateau: PlateauState | null = cfg.reduceLrOnPlateau ? initialPlateau(cfg.learningRate) : null;
  let stoppedEarly = false;
  let stopReason = `reached maxEpochs (${cfg.maxEpochs})`;
  const es = cfg.earlyStopping;
  const shuffleRng = cfg.seed ^ 0x5bd1e995;
  let t0 = performance.now();
  const bs = cfg.batchSize;
  const batches = Math.ceil(trainIdx.length / bs);
  const scheduleSteps = { stepsPerEpoch: batches, totalSteps: cfg.maxEpochs * batches };
  /** The rate of step `step` (0-based over the run): ReduceLROnPlateau's, or the schedule's. */
  const rateAt = (step: number) =>
    plateau ? plateau.learningRate : scheduledRate(cfg.lrSchedule, cfg.learningRate, step, scheduleSteps);
  const ck = opts.checkpoint;
  const fingerprint = ck
    ? runFingerprint({ keras: nm.keras, config: cfg, trainLabels: data.train.labels, dataOrder: DATA_ORDER })
    : "";
  let firstEpoch = 1;
  // Restores the run from opts.checkpoint.resume (inside the try below: a failure disposes the model).
  const resume = async (bytes: Uint8Array) => {
    const r = await resumeFrom(bytes, {
      fingerprint,
      model,
      optimizer,
      vars: varList,
      maxEpochs: cfg.maxEpochs,
      keepsBest: es?.restoreBestWeights ?? false,
    });
    if (r.ok) {
      ({ history, best, wait } = r.state);
      if (plateau && r.state.plateau) plateau = r.state.plateau;
      firstEpoch = r.state.epoch + 1;
      if (r.state.stopReason !== null) {
        stoppedEarly = true;
        stopReason = r.state.stopReason;
      }
      // Time already spent counts: ETAs and the training duration cover the whole run.
      t0 = performance.now() - r.state.trainMs;
      const by = r.writtenBy;
      notes.push(
        `Resumed from the checkpoint after epoch ${r.state.epoch} (written on ${by.backend}, ${by.threads} thread${by.threads === 1 ? "" : "s"}); epochs 1–${r.state.epoch} were trained by an earlier attempt.`,
      );
      const noisy = unseededLayers(nm);
      if (noisy.length)
        notes.push(
          `Layers ${noisy.map((n) => `'${n}'`).join(", ")} draw unseeded random noise in training, so the resumed run is not bit-identical to an uninterrupted one.`,
        );
      ck!.onResume?.({ epoch: r.state.epoch, history: [...history] });
    } else {
      notes.push(`A checkpoint of an earlier attempt was not used (${r.reason}); training started from epoch 1.`);
    }
  };
  let lastSave = performance.now();
  let saveFailed = false;
  const saveCheckpoint = async (epoch: number, last: boolean) => {
    if (!ck || (!last && performance.now() - lastSave < (ck.minIntervalMs ?? 0))) return;
    const state: LoopState = {
      epoch,
      trainMs: performance.now() - t0,
      history,
      best,
      wait,
      stopReason: stoppedEarly ? stopReason : null,
      plateau,
    };
    try {
      const bytes = await captureCheckpoint({ fingerprint, model, optimizer, state, backend: backend.name, threads });
      await ck.save(bytes, epoch);
    } catch (e) {
      if (!saveFailed)
        notes.push(
          `A checkpoint (after epoch ${epoch}) could not be stored: ${(e as Error).message}. Training went on.`,
        );
      saveFailed = true;
    }
    lastSave = performance.now();
  };

  const localStep = async (
    order: ArrayLike<number>,
    from: number,
    to: number,
    place: StepPlace,
  ): Promise<StepStats> => {
    const b = makeBatch(data.train, order, from, to, inputShape, augmentOf(recipe, place.epoch));
    seedNoise(noise, recipe.seed, place.epoch, place.batch, 0);
    setLearningRate(optimizer, place.learningRate);
    let logits: tf.Tensor | null = null;
    const objective = () => {
      const out = model.apply(b.x, { training: true }) as tf.Tensor;
      logits = tf.keep(out);
      return trainingLoss(model, b.y, out, recipe.labelSmoothing);
    };
    let cost: tf.Scalar;
    if (recipe.weightDecay > 0) {
      // AdamW, as Keras orders it: gradients at the current weights, then the decay, then the update.
      const { value, grads } = optimizer.computeGradients(objective, varList);
      applyWeightDecay(varList, place.learningRate, recipe.weightDecay);
      optimizer.applyGradients(grads);
      tf.dispose(Object.values(grads));
      cost = value;
    } else {
      cost = optimizer.minimize(objective, true, varList)!;
    }
    // Read asynchronously: the webgpu backend has no synchronous read in Node.
    const [lossValues, logitValues] = await Promise.all([cost.data(), (logits as unknown as tf.Tensor).data()]);
    const loss = lossValues[0];
    const scored = scoreLogits(logitValues as Float32Array, b.labels, new Uint8Array(b.labels.length), 0);
    tf.dispose([b.x, b.y, cost, logits as unknown as tf.Tensor]);
    return { lossSum: loss * (to - from), correct: scored.correct };
  };
  const disposeBest = () => {
    if (best?.weights) tf.dispose(best.weights);
  };
  try {
    if (ck?.resume) await resume(ck.resume);
    if (threads > 1) {
      dp = await DataParallel.start({
        replicas: threads,
        model,
        vars: varList,
        optimizer,
        normalized: nm,
        training: cfg,
        seed: cfg.seed,
        backend: backend.name,
        split: data.train,
        inputShape,
        // On a resume every replica starts from the restored optimizer state, like this thread.
        optimizerState: firstEpoch > 1 ? await snapshotOptimizer(optimizer) : null,
        noise,
      });
      notes.push(
        `Trained data-parallel on ${threads} threads (each step's batch of ${cfg.batchSize} split across them, gradients summed).`,
      );
    }
    for (let epoch = firstEpoch; epoch <= cfg.maxEpochs && !stoppedEarly; epoch++) {
      const e0 = performance.now();
      const order = cfg.shuffle
        ? permutation(trainIdx.length, (shuffleRng + epoch * 2_654_435_761) >>> 0).map((i) => trainIdx[i])
        : trainIdx;
      dp?.setOrder(order);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let lastYield = performance.now();
      for (let bi = 0; bi < batches; bi++) {
        if (opts.signal?.aborted)
          throw new TrainerError("CANCELLED", `cancelled during epoch ${epoch} (batch ${bi + 1}/${batches})`);
        const from = bi * bs;
        const to = Math.min(order.length, from + bs);
        const place: StepPlace = { epoch, batch: bi, learningRate: rateAt((epoch - 1) * batches + bi) };
        const { lossSum: stepLoss, correct: stepCorrect } = dp
          ? dp.step(from, to, place)
          : await localStep(order, from, to, place);
        const loss = stepLoss / (to - from);
        // A lost device turns later steps into no-ops that read back zeros: stop at the first.
        if (onGpu && webgpuDeviceLost()) throw new Error("the GPU device was lost");
        if (!Number.isFinite(loss)) {
          throw new TrainerError(
            "DIVERGED",
            `training diverged: loss became ${loss} at epoch ${epoch}, batch ${bi + 1}/${batches} (try a lower learning rate than ${cfg.learningRate})`,
          );
        }
        lossSum += stepLoss;
        correct += stepCorrect;
        seen += to - from;
        const now = performance.now();
        if (now - lastYield > 200) {
          opts.onProgress?.({
            epoch,
            batch: bi + 1,
            batches,
            samplesPerSec: seen / ((now - e0) / 1000),
            loss: lossSum / seen,
          });
          // Let timers and I/O (an AbortController fired from a request, say) run between batches.
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      const trainMs = performance.now() - e0;
      const val = valIdx.length ? await evaluate(model, data.train, valIdx, inputShape) : null;
      const durationMs = performance.now() - e0;
      const meanEpoch = (performance.now() - t0) / epoch;
      const m: EpochMetrics = {
        epoch,
        loss: lossSum / seen,
        accuracy: correct / seen,
        valLoss: val ? val.loss : null,
        valAccuracy: val ? val.accuracy : null,
        samplesPerSec: seen / (trainMs / 1000),
        durationMs,
        etaMs: (cfg.maxEpochs - epoch) * meanEpoch,
        learningRate: rateAt(epoch * batches - 1),
      };
      history.push(m);
      if (opts.onEpochTest) {
        const all = new Uint32Array(data.test.count).map((_, i) => i);
        opts.onEpochTest(
          epoch,
          (await evaluate(model, data.test, all, inputShape)).accuracy,
          history.reduce((a, h) => a + h.durationMs, 0),
        );
      }
      if (val && !Number.isFinite(val.loss)) {
        throw new TrainerError("DIVERGED", `training diverged: validation loss is ${val.loss} after epoch ${epoch}`);
      }
      if (plateau && cfg.reduceLrOnPlateau && val) {
        const p = cfg.reduceLrOnPlateau;
        const r = plateauStep(p, plateau, p.monitor === "val_loss" ? val.loss : val.accuracy, epoch);
        plateau = r.state;
        if (r.note) notes.push(r.note);
      }
      if (es && val) {
        const value = es.monitor === "val_loss" ? val.loss : val.accuracy;
        const improved =
          !best || (es.monitor === "val_loss" ? value < best.value - es.minDelta : value > best.value + es.minDelta);
        if (improved) {
          disposeBest();
          best = {
            value,
            epoch,
            weights: es.restoreBestWeights ? model.getWeights().map((w) => tf.keep(w.clone())) : null,
          };
          wait = 0;
        } else if (++wait >= es.patience) {
          stoppedEarly = true;
          stopReason = `early stopping: ${es.monitor} did not improve for ${es.patience} epoch${es.patience === 1 ? "" : "s"} (best ${best!.value.toFixed(4)} at epoch ${best!.epoch})`;
        }
      }
      // After the early-stopping bookkeeping, so tensor counts seen by callbacks are steady.
      await opts.onEpoch?.(m);
      await saveCheckpoint(epoch, stoppedEarly || epoch === cfg.maxEpochs);
      // Batches yield every 200 ms; an epoch shorter than that (small data, tiny models) would
      // otherwise run the whole training without letting I/O through: the worker's progress
      // writes and cancel notifications would wait until the end.
      await yieldToEventLoop();
    }
    const trainDurationMs = performance.now() - t0;
    let bestEpoch: number | null = null;
    if (es?.restoreBestWeights && best?.weights && best.epoch !== history.length) {
      model.setWeights(best.weights);
      bestEpoch = best.epoch;
      notes.push(`Restored the weights of epoch ${best.epoch} (best ${es.monitor}).`);
    } else if (best) bestEpoch = best.epoch;

    const ev0 = performance.now();
    const testIdx = new Uint32Array(data.test.count).map((_, i) => i);
    const test = await evaluate(model, data.test, testIdx, inputShape);
    const cm = confusionMatrix(data.test.labels, test.predictions);
    const split = publicPrivateSplit(data.test.count);
    const evalDurationMs = performance.now() - ev0;
    const saved = await saveTrainedModel(model, {
      architecture: nm,
      training: cfg,
      backend: backend.name,
      paramCount,
      epochs: history.length,
      bestEpoch,
    });
    return {
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      publicAccuracy: accuracyOn(data.test.labels, test.predictions, split.public),
      privateAccuracy: accuracyOn(data.test.labels, test.predictions, split.private),
      confusionMatrix: cm,
      perClass: perClassMetrics(cm),
      history,
      predictions: test.predictions,
      paramCount,
      epochs: history.length,
      bestEpoch,
      backend: backend.name,
      ...(backend.adapter ? { adapter: backend.adapter } : {}),
      threads,
      trainDurationMs,
      evalDurationMs,
      stoppedEarly,
      stopReason,
      trainSamples: trainIdx.length,
      valSamples: valIdx.length,
      testSamples: data.test.count,
      notes,
      model: saved,
    };
  } catch (e) {
    const lost = backend.name === "webgpu" ? webgpuDeviceLost() : null;
    // A lost GPU is the machine's fault whatever error it surfaced as: the run goes back to the
    // queue without using an attempt (BACKEND_UNAVAILABLE), and the next run gets a new device.
    if (lost) throw new TrainerError("BACKEND_UNAVAILABLE", `the GPU device was lost (${lost})`);
    if (e instanceof TrainerError) throw e;
    if (e instanceof GpuMemoryError)
      throw new TrainerError(
        "INVALID_CONFIG",
        `this run needs more GPU memory than a job may use on this trainer (${e.message}); try a smaller batchSize than ${cfg.batchSize} or a smaller model`,
      );
    throw new TrainerError("INTERNAL", `training failed: ${(e as Error).message}`);
  } finally {
    await dp?.close();
    disposeBest();
    optimizer.dispose();
    model.dispose();
  }
}
