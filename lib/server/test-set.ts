import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseIdx } from "@/trainer/data/idx";
import { type ClassMetrics, confusionMatrix, perClassMetrics, publicPrivateSplit } from "@/trainer/train/scoring";

// The test labels stay on the server. They are read here only to score the public half of a
// stored prediction vector for students before the private leaderboard is revealed: a
// full-test-set confusion matrix would give away the private half's accuracy (its trace).

let labelsPromise: Promise<Uint8Array | null> | undefined;

const TEST_LABELS_FILE = "t10k-labels-idx1-ubyte.gz";

// The trainer's search order (trainer/data/fashionMnist.ts `searchDirs`), repeated here because
// that module reaches for its fixtures via `new URL(…, import.meta.url)` and `.js` specifiers,
// which Next's bundler cannot follow; the web app needs only this one small file.
function searchDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const cache = join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "catwalk", "fashion-mnist");
  return [env.FASHION_MNIST_DIR, "/usr/share/datasets/fashion-mnist", cache].filter((d): d is string => Boolean(d));
}

/** The 10k test labels from the same directories the trainer searches, or null when absent. */
export function testLabels(): Promise<Uint8Array | null> {
  labelsPromise ??= (async () => {
    const dir = searchDirs().find((d) => existsSync(join(d, TEST_LABELS_FILE)));
    if (!dir) return null;
    try {
      const idx = parseIdx(await readFile(join(dir, TEST_LABELS_FILE)), TEST_LABELS_FILE);
      return idx.shape.length === 1 ? idx.data : null;
    } catch (error) {
      console.error("[test-set] unreadable test labels:", error);
      return null;
    }
  })();
  return labelsPromise;
}

const splits = new Map<number, { public: Uint32Array; private: Uint32Array }>();

/** The trainer's fixed public/private split for a run scored on the first `n` test images. */
export function splitFor(n: number): { public: Uint32Array; private: Uint32Array } {
  let split = splits.get(n);
  if (!split) {
    split = publicPrivateSplit(n);
    splits.set(n, split);
  }
  return split;
}

/** Confusion matrix and per-class metrics of the public half only; null when labels are unavailable. */
export async function publicHalfMetrics(
  predictions: Uint8Array,
): Promise<{ confusionMatrix: number[][]; perClass: ClassMetrics[] } | null> {
  const labels = await testLabels();
  if (!labels || labels.length < predictions.length) return null;
  const idx = splitFor(predictions.length).public;
  const l = new Uint8Array(idx.length);
  const p = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    l[i] = labels[idx[i]!]!;
    p[i] = predictions[idx[i]!]!;
  }
  const cm = confusionMatrix(l, p);
  return { confusionMatrix: cm, perClass: perClassMetrics(cm) };
}

/** Whether test image `index` belongs to the public half of a run over `n` images. */
export function isPublicIndex(n: number, index: number): boolean {
  const pub = splitFor(n).public;
  let lo = 0;
  let hi = pub.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = pub[mid]!;
    if (v === index) return true;
    if (v < index) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
