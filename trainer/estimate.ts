import * as tf from "@tensorflow/tfjs";
import type { NormalizedModel } from "./arch/model";
import type { TrainingConfig } from "./arch/training";
import { selectBackend } from "./backend/select";
import { FusedAdamOptimizer } from "./train/fusedAdam";
import { buildModel } from "./train/model";

export interface EpochEstimate {
  backend: string;
  samplesPerSec: number;
  /** For 60,000 × (1 − validationSplit) training images plus validation. */
  secondsPerEpoch: number;
}

/**
 * Times a few real training steps on random data with the current backend. Measuring beats a
 * FLOPs model here: on CPU backends per-op overhead and memory traffic dominate, not arithmetic.
 */
export async function estimateEpochTime(
  model: NormalizedModel,
  training: TrainingConfig,
  steps = 8,
): Promise<EpochEstimate> {
  const info = await selectBackend();
  const { model: m } = await buildModel(model, training.seed);
  // The optimizer real runs use for Adam (step.ts makeOptimizer).
  const opt = new FusedAdamOptimizer(1e-3, 0.9, 0.999, 1e-7);
  const bs = training.batchSize;
  const x = tf.randomUniform([bs, ...model.inputShape]);
  const y = tf.oneHot(tf.randomUniform([bs], 0, 10, "int32"), 10);
  const step = () =>
    tf.dispose(
      opt.minimize(
        () => tf.losses.softmaxCrossEntropy(y, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
        true,
      )!,
    );
  try {
    // The first steps pay for kernel setup and JIT warm-up.
    for (let i = 0; i < 3; i++) step();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) step();
    const sps = (bs * steps) / ((performance.now() - t0) / 1000);
    const trainN = 60_000 * (1 - training.validationSplit);
    // Inference on the validation split costs about a third of a training step per image.
    const secondsPerEpoch = trainN / sps + (60_000 - trainN) / (3 * sps);
    return { backend: info.name, samplesPerSec: sps, secondsPerEpoch };
  } finally {
    tf.dispose([x, y]);
    opt.dispose();
    m.dispose();
  }
}
