import {
  type BackendInfo,
  type FashionMnist,
  loadFashionMnist,
  runTraining,
  type Split,
  selectBackend,
  TrainerError,
} from "@/trainer";

// Whether this worker can train at all, decided before it takes a job: a worker that claims jobs
// it cannot run fails students' submissions for the machine's faults (a missing data set, a
// backend that won't load). The checks are what every job needs, in the order a job needs them,
// ending with a tiny real training run through the same code a job runs (which also reads the
// trainer's settings, such as CATWALK_TRAIN_THREADS, exactly as a job would).

export interface Readiness {
  backend: BackendInfo;
  /** Loaded once and kept: every job trains on it. */
  data: FashionMnist;
}

/** Flatten → softmax on a few hundred images: well under a second, on any backend. */
const SMOKE_ARCHITECTURE = {
  layers: [
    { type: "Flatten", inputShape: [28, 28, 1] },
    { type: "Dense", units: 10, activation: "softmax" },
  ],
};
const SMOKE_TRAINING = { maxEpochs: 1, batchSize: 64, validationSplit: 0.2, earlyStopping: null };
const SMOKE_TRAIN_IMAGES = 320;
const SMOKE_TEST_IMAGES = 100;

const head = (split: Split, count: number): Split => ({
  images: split.images.subarray(0, count * 28 * 28),
  labels: split.labels.subarray(0, count),
  count,
});

/** Runs the checks once: resolves when the worker can train, or rejects with the first failure. */
export async function checkReadiness(signal?: AbortSignal): Promise<Readiness> {
  const backend = await selectBackend();
  const data = await loadFashionMnist();
  if (data.train.count < SMOKE_TRAIN_IMAGES || data.test.count < SMOKE_TEST_IMAGES) {
    throw new TrainerError(
      "DATA_UNAVAILABLE",
      `the Fashion-MNIST files in ${data.source} hold only ${data.train.count} training and ${data.test.count} test images`,
    );
  }
  await runTraining({
    architecture: SMOKE_ARCHITECTURE,
    training: SMOKE_TRAINING,
    data: {
      train: head(data.train, SMOKE_TRAIN_IMAGES),
      test: head(data.test, SMOKE_TEST_IMAGES),
      source: data.source,
    },
    signal,
  });
  return { backend, data };
}

/** What a failed check says, for the log, the Worker row and the pages. */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof TrainerError ? error.code : null;
  const what =
    code === "DATA_UNAVAILABLE"
      ? "the data set is not available"
      : code === "BACKEND_UNAVAILABLE"
        ? "no TensorFlow.js backend loads"
        : "a test training run failed";
  return `${what}: ${message}`;
}

export interface WaitOptions {
  signal: AbortSignal;
  /** The first retry's delay; it doubles up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  onUnhealthy: (reason: string, retryInMs: number) => Promise<void> | void;
}

/** Repeats the checks with exponential backoff until they pass (or the signal aborts: then it rejects). */
export async function waitUntilReady(options: WaitOptions): Promise<Readiness> {
  let delay = Math.min(options.firstDelayMs, options.maxDelayMs);
  for (;;) {
    options.signal.throwIfAborted();
    try {
      return await checkReadiness(options.signal);
    } catch (error) {
      options.signal.throwIfAborted();
      await options.onUnhealthy(describeFailure(error), delay);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      options.signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    delay = Math.min(delay * 2, options.maxDelayMs);
  }
}
