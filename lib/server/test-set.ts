import "server-only";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type ClassMetrics,
  confusionMatrix,
  FILES,
  findDataDir,
  parseIdx,
  perClassMetrics,
  publicPrivateSplit,
} from "@/trainer/data";

// The Fashion-MNIST test set on the web server: the one place that reads its labels and images,
// splits it into the leaderboard's public and private halves and scores stored predictions on
// either. The gallery (services/gallery.ts), the graders' API (services/grading.ts) and result
// views (services/submissions.ts) all go through here, so students and graders are shown
// numbers from the same split. Labels and private-half data never leave through the API: who
// may see which scope is decided by the callers (access.ts).

/** 'all': every image the run was scored on; 'public': only the public half of them. */
export type TestScope = "all" | "public";

interface LoadedTestSet {
  dir: string;
  labels: Uint8Array;
  images: Promise<Uint8Array> | null;
}

let loading: Promise<LoadedTestSet | null> | null = null;

/**
 * The test split from the directory the trainer reads (trainer/data/paths.ts: FASHION_MNIST_DIR,
 * then Debian's dataset-fashion-mnist, then the download cache), so predictions are matched with
 * the labels they were scored against. Absence is not cached: a worker may download the files later.
 */
function load(): Promise<LoadedTestSet | null> {
  loading ??= (async () => {
    const dir = findDataDir();
    if (!dir) return null;
    const idx = parseIdx(await readFile(join(dir, FILES.testLabels)), FILES.testLabels);
    if (idx.shape.length !== 1)
      throw new Error(`${FILES.testLabels}: expected one dimension, got ${idx.shape.join("×")}`);
    return { dir, labels: idx.data, images: null };
  })()
    .catch((error: unknown) => {
      console.error("[test-set] unreadable test labels:", error);
      return null;
    })
    .then((loaded) => {
      if (!loaded) loading = null;
      return loaded;
    });
  return loading;
}

/** The test labels, or null when no Fashion-MNIST directory is available. */
export async function testLabels(): Promise<Uint8Array | null> {
  return (await load())?.labels ?? null;
}

/** Test image `index` as 784 grayscale bytes (row-major 28×28), or null when unavailable. */
export async function testImage(index: number): Promise<Uint8Array | null> {
  const set = await load();
  if (!set || !Number.isInteger(index) || index < 0 || index >= set.labels.length) return null;
  set.images ??= (async () => {
    const idx = parseIdx(await readFile(join(set.dir, FILES.testImages)), FILES.testImages);
    if (idx.shape.length !== 3 || idx.shape[0] !== set.labels.length || idx.shape[1] !== 28 || idx.shape[2] !== 28) {
      throw new Error(`${FILES.testImages}: expected ${set.labels.length}×28×28 images, got ${idx.shape.join("×")}`);
    }
    return idx.data;
  })().catch((error: unknown) => {
    set.images = null;
    throw error;
  });
  return (await set.images).subarray(index * 784, (index + 1) * 784);
}

export interface TestSplit {
  /** Sorted test indices of each half, exactly as the trainer's `publicPrivateSplit` returns them. */
  public: Uint32Array;
  private: Uint32Array;
  /** 1 at the public half's indices: O(1) membership. */
  isPublic: Uint8Array;
}

const splits = new Map<number, TestSplit>();

/** The trainer's fixed public/private split for a run scored on the first `n` test images. */
export function splitFor(n: number): TestSplit {
  let split = splits.get(n);
  if (!split) {
    const halves = publicPrivateSplit(n);
    const isPublic = new Uint8Array(n);
    for (const i of halves.public) isPublic[i] = 1;
    split = { ...halves, isPublic };
    splits.set(n, split);
  }
  return split;
}

/** Whether test image `index` belongs to the public half of a run over `n` images. */
export function isPublicIndex(n: number, index: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < n && splitFor(n).isPublic[index] === 1;
}

/** Labels for these predictions, or null when the labels are missing or fewer than the predictions. */
async function labelsFor(predictions: Uint8Array): Promise<Uint8Array | null> {
  const labels = await testLabels();
  return labels && labels.length >= predictions.length ? labels : null;
}

export interface ScopedMetrics {
  scope: TestScope;
  accuracy: number;
  /** rows = true class, columns = predicted class, over the images in scope. */
  confusionMatrix: number[][];
  perClass: ClassMetrics[];
  /** How many test images are in scope. */
  images: number;
}

/** Accuracy, confusion matrix and per-class metrics of stored predictions on one scope of the test set. */
export async function scoreOn(predictions: Uint8Array, scope: TestScope): Promise<ScopedMetrics | null> {
  const labels = await labelsFor(predictions);
  if (!labels) return null;
  const n = predictions.length;
  // The trainer's own index lists and confusion matrix, so these match what it stored.
  const indices = scope === "public" ? splitFor(n).public : null;
  const count = indices ? indices.length : n;
  const truth = new Uint8Array(count);
  const predicted = new Uint8Array(count);
  let correct = 0;
  for (let k = 0; k < count; k++) {
    const i = indices ? indices[k]! : k;
    truth[k] = labels[i]!;
    predicted[k] = predictions[i]!;
    if (truth[k] === predicted[k]) correct++;
  }
  const matrix = confusionMatrix(truth, predicted);
  return {
    scope,
    accuracy: count ? correct / count : 0,
    confusionMatrix: matrix,
    perClass: perClassMetrics(matrix),
    images: count,
  };
}

export interface CellMembers {
  /** Test-set indices in test-set order, at most `limit`. */
  indices: number[];
  /** How many images in scope fall in the cell. */
  total: number;
}

/** The test images in scope whose true class is `trueLabel` and predicted class `predictedLabel`; null without labels. */
export async function cellMembers(
  predictions: Uint8Array,
  scope: TestScope,
  trueLabel: number,
  predictedLabel: number,
  limit: number,
): Promise<CellMembers | null> {
  const labels = await labelsFor(predictions);
  if (!labels) return null;
  const pub = scope === "public" ? splitFor(predictions.length).isPublic : null;
  const indices: number[] = [];
  let total = 0;
  for (let i = 0; i < predictions.length; i++) {
    if (labels[i] !== trueLabel || predictions[i] !== predictedLabel) continue;
    if (pub && !pub[i]) continue;
    total++;
    if (indices.length < limit) indices.push(i);
  }
  return { indices, total };
}
