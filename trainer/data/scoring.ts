// Pure scoring helpers (no tfjs): confusion matrix, per-class metrics, public/private split.

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** rows = true label, columns = predicted label. */
export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, classes = 10): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predictions[i]]++;
  return m;
}

/** Precision/recall/F1 per class; 0 (not NaN) when a class is never predicted or never present. */
export function perClassMetrics(cm: number[][]): ClassMetrics[] {
  return cm.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = cm.reduce((a, r) => a + r[c], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
}

/** mulberry32: small, fast, good enough for shuffling and augmentation; identical in every JS engine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function permutation(n: number, seed: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const r = rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** The leaderboard's fixed split of the test set; never change it once results exist. */
const PUBLIC_SPLIT_SEED = 20_261_125;

/**
 * Splits test indices 0..n-1 into a public and a private half (sorted index lists). Fixed seed:
 * every submission is scored on the same halves.
 */
export function publicPrivateSplit(
  n = 10_000,
  seed = PUBLIC_SPLIT_SEED,
): { public: Uint32Array; private: Uint32Array } {
  const p = permutation(n, seed);
  const half = Math.floor(n / 2);
  return { public: p.slice(0, half).sort(), private: p.slice(half).sort() };
}

export function accuracyOn(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  indices: ArrayLike<number>,
): number {
  let ok = 0;
  for (let i = 0; i < indices.length; i++) if (labels[indices[i]] === predictions[indices[i]]) ok++;
  return indices.length ? ok / indices.length : 0;
}
