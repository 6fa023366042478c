// Browser-safe: what changed between compared submissions, as data. The compare service builds
// its answer from these (the page and GraphQL show the same diff), and they are pure so that
// tests pin them without a database.
import type { NormalizedLayer, TrainingConfig } from "@/trainer/arch";

/** One layer as the architecture diff compares it (a parsed layer, without its Keras name). */
export interface DiffLayer {
  index: number;
  className: string;
  /** Keras config fields that shape the layer; its name and the input shape are left out. */
  config: Record<string, unknown>;
  outputShape: number[];
  params: number;
  flops: number;
}

/** One field that differs between two aligned layers (or two training configs). */
export interface FieldChange {
  field: string;
  /** The value as text; null where the layer or config leaves it out (Keras's default). */
  before: string | null;
  after: string | null;
}

export type LayerDiffKind = "same" | "changed" | "added" | "removed";

export interface LayerDiffRow {
  kind: LayerDiffKind;
  /** The base submission's layer; null for a layer only the other has. */
  base: DiffLayer | null;
  other: DiffLayer | null;
  /** Each field that differs, for "changed" rows (config fields first, then output shape, params, FLOPs). */
  changes: FieldChange[];
}

/** Keys that name a layer or repeat the model's input, not what it computes. */
const IGNORED_KEYS = new Set(["name", "batch_input_shape", "input_shape", "batch_shape", "dtype", "trainable"]);

export function diffLayer(layer: NormalizedLayer): DiffLayer {
  return {
    index: layer.index,
    className: layer.className,
    config: Object.fromEntries(Object.entries(layer.config).filter(([k]) => !IGNORED_KEYS.has(k))),
    outputShape: [...layer.outputShape],
    params: layer.params,
    flops: layer.flops,
  };
}

/** A config value as one line of text: numbers as written, arrays and objects as compact JSON. */
export function valueText(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export const shapeText = (shape: readonly number[]) => `(None, ${shape.join(", ")})`;

function layerChanges(a: DiffLayer, b: DiffLayer): FieldChange[] {
  const changes: FieldChange[] = [];
  const keys = [...new Set([...Object.keys(a.config), ...Object.keys(b.config)])];
  for (const key of keys) {
    const before = valueText(a.config[key]);
    const after = valueText(b.config[key]);
    if (before !== after) changes.push({ field: key, before, after });
  }
  const derived: [string, string, string][] = [
    ["output shape", shapeText(a.outputShape), shapeText(b.outputShape)],
    ["params", String(a.params), String(b.params)],
    ["FLOPs", String(a.flops), String(b.flops)],
  ];
  for (const [field, before, after] of derived) if (before !== after) changes.push({ field, before, after });
  return changes;
}

const sameConfig = (a: DiffLayer, b: DiffLayer) =>
  Object.keys(a.config).length === Object.keys(b.config).length &&
  Object.keys(a.config).every((k) => valueText(a.config[k]) === valueText(b.config[k]));

/** What aligning two layers is worth: nothing across types; more for an unchanged config than a changed one. */
const matchWeight = (a: DiffLayer, b: DiffLayer) => (a.className !== b.className ? 0 : sameConfig(a, b) ? 2 : 1);

/**
 * The layers of `other` against those of `base`, aligned by a longest common subsequence of layer
 * types (weighted: layers whose config is unchanged align first): a layer inserted or removed shows
 * as such instead of shifting every layer after it into a "changed" row. Aligned layers of one
 * type whose fields differ are "changed", each field named. Models have at most a few hundred
 * layers (the trainer's limit), so the quadratic table is small.
 */
export function diffArchitectures(base: readonly DiffLayer[], other: readonly DiffLayer[]): LayerDiffRow[] {
  const n = base.length;
  const m = other.length;
  // best[i][j]: the heaviest alignment of base[i..] and other[j..].
  const best = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const weight = (i: number, j: number) => matchWeight(base[i]!, other[j]!);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const w = weight(i, j);
      best[i]![j] = Math.max(w ? w + best[i + 1]![j + 1]! : 0, best[i + 1]![j]!, best[i]![j + 1]!);
    }
  }
  const rows: LayerDiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const w = i < n && j < m ? weight(i, j) : 0;
    if (w && best[i]![j] === w + best[i + 1]![j + 1]!) {
      const changes = layerChanges(base[i]!, other[j]!);
      rows.push({ kind: changes.length ? "changed" : "same", base: base[i]!, other: other[j]!, changes });
      i++;
      j++;
    } else if (j < m && (i === n || best[i]![j + 1]! >= best[i + 1]![j]!)) {
      rows.push({ kind: "added", base: null, other: other[j]!, changes: [] });
      j++;
    } else {
      rows.push({ kind: "removed", base: base[i]!, other: null, changes: [] });
      i++;
    }
  }
  return rows;
}

/** One training-config field across the compared submissions. */
export interface TrainingFieldRow {
  field: string;
  label: string;
  /** Its value in each submission, in their order; null where the config can't be read. */
  values: (string | null)[];
  /** Per submission: whether it differs from the base submission's value (the base's own is false). */
  changed: boolean[];
}

const TRAINING_FIELDS: { field: string; label: string; get: (c: TrainingConfig) => unknown }[] = [
  { field: "optimizer", label: "Optimizer", get: (c) => c.optimizer },
  { field: "learningRate", label: "Learning rate", get: (c) => c.learningRate },
  { field: "momentum", label: "Momentum", get: (c) => c.momentum },
  { field: "batchSize", label: "Batch size", get: (c) => c.batchSize },
  { field: "maxEpochs", label: "Max epochs", get: (c) => c.maxEpochs },
  { field: "validationSplit", label: "Validation split", get: (c) => c.validationSplit },
  { field: "earlyStopping.monitor", label: "Early stopping: monitor", get: (c) => c.earlyStopping?.monitor ?? "off" },
  {
    field: "earlyStopping.patience",
    label: "Early stopping: patience",
    get: (c) => c.earlyStopping?.patience ?? "off",
  },
  {
    field: "earlyStopping.restoreBestWeights",
    label: "Early stopping: restore best",
    get: (c) => c.earlyStopping?.restoreBestWeights ?? "off",
  },
  {
    field: "earlyStopping.minDelta",
    label: "Early stopping: min delta",
    get: (c) => c.earlyStopping?.minDelta ?? "off",
  },
  { field: "seed", label: "Seed", get: (c) => c.seed },
  { field: "shuffle", label: "Shuffle", get: (c) => c.shuffle },
];

/**
 * Every training field across the submissions (their configs with the trainer's defaults filled
 * in, so an omitted field compares as what the run used), marked where it differs from `base`.
 */
export function diffTraining(configs: readonly (TrainingConfig | null)[], base = 0): TrainingFieldRow[] {
  return TRAINING_FIELDS.map(({ field, label, get }) => {
    const values = configs.map((c) => (c ? valueText(get(c)) : null));
    return { field, label, values, changed: values.map((v, i) => i !== base && v !== values[base]) };
  });
}

/** `other − base`, cell by cell (counts over the same test images, so rows sum to zero). */
export function matrixDifference(base: readonly number[][], other: readonly number[][]): number[][] {
  return base.map((row, t) => row.map((count, p) => (other[t]?.[p] ?? 0) - count));
}

/** Per-class F1 of `other` minus that of `base`, by label. */
export function f1Deltas(base: readonly { f1: number }[], other: readonly { f1: number }[]): number[] {
  return base.map((m, c) => (other[c]?.f1 ?? 0) - m.f1);
}
