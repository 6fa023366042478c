// A data-parallel replica thread (see parallel.ts): builds the same model and optimizer as the
// main thread, then for every posted step computes its shard's gradients and applies the sum.
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../backend/select";
import { provideSimdModule } from "../backend/simd";
import { restoreOptimizer } from "./checkpoint";
import { buildModel } from "./model";
import { seedableNoiseLayers, seedNoise } from "./noise";
import { type ReplicaInit, STOP_SEQ, StepChannel } from "./parallel";
import { applyFlatGradients, makeOptimizer, shardGradients, stepRecipe, trainableVariables } from "./step";

const init = workerData as ReplicaInit;
const channel = new StepChannel(init);

async function setUp() {
  if (init.simdModule) provideSimdModule(init.simdModule);
  await selectBackend(init.backend);
  const { model } = await buildModel(init.model, init.seed);
  const weights = init.weights.map((w) => tf.tensor(w.values, w.shape, "float32"));
  model.setWeights(weights);
  tf.dispose(weights);
  const optimizer = makeOptimizer(init.training);
  // A resumed run: the same moments and step count as the main thread's, so updates stay identical.
  if (init.optimizer) await restoreOptimizer(optimizer, init.optimizer);
  return { model, vars: trainableVariables(model), optimizer, noise: seedableNoiseLayers(model) };
}

let state: Awaited<ReturnType<typeof setUp>>;
try {
  state = await setUp();
} catch (e) {
  parentPort!.postMessage({ type: "error", message: (e as Error).message });
  process.exit(1);
}
parentPort!.postMessage({ type: "ready" });

const { model, vars, optimizer, noise } = state;
const recipe = stepRecipe(init.training);
const split = { images: init.images, labels: init.labels, count: init.count };
// Blocking waits are fine here: this thread has nothing else to do.
const NO_TIMEOUT = 2 ** 31;
let seq = 0;
try {
  for (;;) {
    seq = channel.nextStep(seq);
    if (seq === STOP_SEQ) break;
    const place = channel.place();
    seedNoise(noise, recipe.seed, place.epoch, place.batch, init.index);
    const { grad } = channel.runShard(
      seq,
      init.index,
      (a, b, weight, out) =>
        shardGradients(model, vars, split, channel.order, a, b, init.inputShape, weight, out, recipe, place.epoch),
      NO_TIMEOUT,
    );
    applyFlatGradients(optimizer, vars, grad, place.learningRate, recipe.weightDecay);
  }
} catch (e) {
  // When the main thread is closing, a pending wait ends with a failure flag it set: not an error.
  if (Atomics.load(channel.ctrl, 0) !== STOP_SEQ) channel.fail(`replica ${init.index}: ${(e as Error).message}`);
} finally {
  optimizer.dispose();
  model.dispose();
}
