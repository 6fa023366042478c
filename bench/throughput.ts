// Training throughput as the benchmarks measure it (bench/train.ts, bench/gpu.ts): the real
// training path (batch assembly, metrics, optimizer) on `steps` batches for two epochs; epoch 1
// warms the JIT, the kernel caches and (on a GPU) the shader pipelines, epoch 2 is measured.
import { type FashionMnist, getPreset, runTraining } from "../trainer";

/** The first `train` training images and `test` test images (deterministic). */
export function sliceData(d: FashionMnist, train: number, test = 1000): FashionMnist {
  const n = Math.min(train, d.train.count);
  const t = Math.min(test, d.test.count);
  return {
    ...d,
    train: { images: d.train.images.slice(0, n * 784), labels: d.train.labels.slice(0, n), count: n },
    test: { images: d.test.images.slice(0, t * 784), labels: d.test.labels.slice(0, t), count: t },
  };
}

export interface ThroughputOptions {
  preset: string;
  batchSize: number;
  steps: number;
  threads: number;
  data: FashionMnist;
  /** Test images scored after the run (not timed; fewer keeps a slow backend's smoke run short). */
  testImages?: number;
}

/** Samples per second of the measured (second) epoch. */
export async function trainingThroughput(o: ThroughputOptions): Promise<number> {
  const p = getPreset(o.preset);
  if (!p) throw new Error(`no preset ${o.preset}`);
  if (o.steps * o.batchSize > o.data.train.count) {
    throw new Error(
      `${o.steps} steps of ${o.batchSize} need ${o.steps * o.batchSize} images; ${o.data.train.count} loaded`,
    );
  }
  const r = await runTraining({
    architecture: p.architecture,
    training: { ...p.training, batchSize: o.batchSize, maxEpochs: 2, validationSplit: 0, earlyStopping: null },
    data: sliceData(o.data, o.steps * o.batchSize, o.testImages),
    threads: o.threads,
  });
  return r.history[1].samplesPerSec;
}
