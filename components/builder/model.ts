// The layer builder's editable state and its conversion to and from the trainer's formats.
// Validation, shapes and counts are NOT computed here: the builder emits the trainer's builder
// format ({layers: [{type, ...camelCase fields}]}) and `parseArchitecture` from trainer/arch
// (the code the worker runs) judges it.
import {
  ACTIVATIONS,
  type ArchError,
  type BuilderModel,
  camelToSnake,
  type NormalizedModel,
  type Summary,
  type SummaryRow,
} from "@/trainer/arch";

export const LAYER_TYPES = [
  "Dense",
  "Conv2D",
  "MaxPooling2D",
  "AveragePooling2D",
  "Flatten",
  "Dropout",
  "BatchNormalization",
  "Activation",
  // Compound items: each expands into a small graph of Keras layers (trainer/arch/parse/blocks.ts).
  "ResidualBlock",
  "BranchConcatBlock",
] as const;
export type LayerType = (typeof LAYER_TYPES)[number];

/** How the builder names a type where the class name alone would not say it. */
export const LAYER_LABELS: Partial<Record<LayerType, string>> = {
  ResidualBlock: "Residual block (Conv → Conv, + input)",
  BranchConcatBlock: "Branch-and-concatenate block (1×1, 3×3, pool)",
};

/** Activation names as Keras writes them (snake_case spellings only; the camelCase aliases are tfjs's). */
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS).filter((name) => !/[A-Z]/.test(name));

export interface FieldSpec {
  /** camelCase key in the builder format; the trainer reports errors under its snake_case name. */
  key: string;
  label: string;
  kind: "int" | "number" | "select";
  options?: readonly string[];
  step?: string;
  /** Empty means "Keras default" (the field is left out). */
  optional?: boolean;
  placeholder?: string;
}

const activation: FieldSpec = { key: "activation", label: "Activation", kind: "select", options: ACTIVATION_NAMES };
const padding: FieldSpec = { key: "padding", label: "Padding", kind: "select", options: ["valid", "same"] };

export const FIELDS: Record<LayerType, FieldSpec[]> = {
  Dense: [{ key: "units", label: "Units", kind: "int" }, activation],
  Conv2D: [
    { key: "filters", label: "Filters", kind: "int" },
    { key: "kernelSize", label: "Kernel size", kind: "int" },
    { key: "strides", label: "Strides", kind: "int" },
    padding,
    activation,
  ],
  MaxPooling2D: [
    { key: "poolSize", label: "Pool size", kind: "int" },
    { key: "strides", label: "Strides", kind: "int", optional: true, placeholder: "= pool size" },
    padding,
  ],
  AveragePooling2D: [
    { key: "poolSize", label: "Pool size", kind: "int" },
    { key: "strides", label: "Strides", kind: "int", optional: true, placeholder: "= pool size" },
    padding,
  ],
  Flatten: [],
  Dropout: [{ key: "rate", label: "Rate", kind: "number", step: "0.05" }],
  BatchNormalization: [
    { key: "momentum", label: "Momentum", kind: "number", step: "0.01" },
    { key: "epsilon", label: "Epsilon", kind: "number", step: "0.0001" },
  ],
  Activation: [activation],
  ResidualBlock: [
    { key: "filters", label: "Filters", kind: "int" },
    { key: "kernelSize", label: "Kernel size", kind: "int" },
    activation,
    // The identity shortcut only adds up when the block keeps its input's channel count.
    {
      key: "shortcut",
      label: "Shortcut (conv1x1 when the channel count changes)",
      kind: "select",
      options: ["identity", "conv1x1"],
    },
  ],
  BranchConcatBlock: [{ key: "filters", label: "Filters per conv branch", kind: "int" }, activation],
};

export const DEFAULT_VALUES: Record<LayerType, Record<string, string>> = {
  Dense: { units: "128", activation: "relu" },
  Conv2D: { filters: "32", kernelSize: "3", strides: "1", padding: "valid", activation: "relu" },
  MaxPooling2D: { poolSize: "2", strides: "", padding: "valid" },
  AveragePooling2D: { poolSize: "2", strides: "", padding: "valid" },
  Flatten: {},
  Dropout: { rate: "0.25" },
  BatchNormalization: { momentum: "0.99", epsilon: "0.001" },
  Activation: { activation: "relu" },
  ResidualBlock: { filters: "32", kernelSize: "3", activation: "relu", shortcut: "identity" },
  BranchConcatBlock: { filters: "16", activation: "relu" },
};

export interface BuilderLayer {
  id: string;
  type: LayerType;
  /** What is in the inputs, as typed (so half-typed numbers survive re-renders). */
  values: Record<string, string>;
  /** Config the builder has no input for (initializers, regularizers…), kept as given (snake_case). */
  extra: Record<string, unknown>;
}

export const INPUT_SHAPES = [
  { label: "28 × 28 × 1 (images)", value: [28, 28, 1] },
  { label: "28 × 28 (no channel axis)", value: [28, 28] },
  { label: "784 (flattened)", value: [784] },
] as const;

let counter = 0;
export const newId = () => `l${Date.now().toString(36)}${(counter++).toString(36)}`;

export function newLayer(type: LayerType): BuilderLayer {
  return { id: newId(), type, values: { ...DEFAULT_VALUES[type] }, extra: {} };
}

function fieldValue(spec: FieldSpec, raw: string | undefined): unknown {
  const text = (raw ?? "").trim();
  if (spec.kind === "select") return text || undefined;
  if (text === "") return undefined;
  if (text.startsWith("[")) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  const n = Number(text);
  // Not a number: pass the text through so the trainer's validator names the field and the value.
  return Number.isFinite(n) ? n : text;
}

/** The builder's state in the trainer's builder format. */
export function toBuilderModel(layers: BuilderLayer[], inputShape: readonly number[], name = "model"): BuilderModel {
  return {
    name,
    inputShape: [...inputShape],
    layers: layers.map((layer) => {
      const out: { type: string } & Record<string, unknown> = { type: layer.type, ...layer.extra };
      for (const spec of FIELDS[layer.type]) {
        const v = fieldValue(spec, layer.values[spec.key]);
        if (v !== undefined) out[spec.key] = v;
      }
      return out;
    }),
  };
}

// Config keys the builder owns or that only describe the input/dtype: never carried in `extra`.
const DROPPED = new Set(["name", "batch_input_shape", "input_shape", "batch_shape", "dtype", "trainable"]);

function show(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v)) return v.length > 0 && v.every((x) => x === v[0]) ? String(v[0]) : JSON.stringify(v);
  return String(v);
}

/**
 * A validated model (from a preset, pasted JSON or a past submission) as builder layers.
 * Returns null when it uses a layer class the builder has no form for, or is a graph.
 */
export function fromNormalized(model: NormalizedModel): { layers: BuilderLayer[]; inputShape: number[] } | null {
  // A graph (branches, merges) has no list of layers to edit: it stays JSON.
  if (model.graph) return null;
  const layers: BuilderLayer[] = [];
  for (const layer of model.layers) {
    if (!(LAYER_TYPES as readonly string[]).includes(layer.className)) return null;
    const type = layer.className as LayerType;
    const owned = new Set(FIELDS[type].map((f) => camelToSnake(f.key)));
    const values: Record<string, string> = {};
    for (const spec of FIELDS[type]) values[spec.key] = show(layer.config[camelToSnake(spec.key)]);
    const extra: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(layer.config)) {
      if (!owned.has(key) && !DROPPED.has(key)) extra[key] = v;
    }
    layers.push({ id: newId(), type, values, extra });
  }
  return { layers, inputShape: [...model.inputShape] };
}

/**
 * The summary's row for builder item `index`: its last layer (a block's output), with the
 * parameters of all its layers (a block has several). Rows are matched by the trainer's layer
 * index, which a block's layers share; a graph's InputLayer row is skipped.
 */
export function rowFor(summary: Summary | null, index: number): SummaryRow | undefined {
  const rows = summary?.rows.filter((r) => r.index === index && r.className !== "InputLayer") ?? [];
  const last = rows[rows.length - 1];
  return last && { ...last, params: rows.reduce((a, r) => a + r.params, 0) };
}

/** Error fields come back snake_case (`kernel_size`); the inputs are keyed camelCase. */
export function fieldMatches(spec: FieldSpec, errorField: string | null): boolean {
  return errorField !== null && camelToSnake(spec.key) === errorField;
}

/** How the builder words a trainer error: the trainer's message, which already names the value and the limit. */
export function describeArchError(error: ArchError): string {
  return error.message;
}

/**
 * React keys for a list of errors, from what they say (numbered when one repeats): positions would
 * hand one error's row to another as the list changes while the student types.
 */
export function errorKeys(errors: readonly ArchError[]): string[] {
  const seen = new Map<string, number>();
  return errors.map((e) => {
    const key = `${e.layerIndex ?? ""}|${e.field ?? ""}|${e.message}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return n === 0 ? key : `${key}#${n}`;
  });
}
