// Turns whatever a student pastes (Keras 2 / tf.keras / Keras 3 `model.to_json()`, Sequential or a
// linear Functional model, or the UI builder's `{layers: [...]}`) into one canonical Sequential
// model, or into a list of errors that each say which layer, which field and why.
import { camelToSnake, type KerasLayerJson, type KerasModelJson, sequential, snakeKeys } from "./keras";
import {
  ACTIVATIONS,
  CLASS_ALIASES,
  FieldIssue,
  fmt,
  KNOWN_UNSUPPORTED,
  LAYERS,
  type Shape,
  SUPPORTED_LAYERS,
} from "./layers";

export interface ArchError {
  /** Position in the submitted `layers` list (0-based, InputLayer included when present). */
  layerIndex: number | null;
  layerName: string | null;
  field: string | null;
  message: string;
}

export interface NormalizedLayer {
  index: number;
  name: string;
  className: string;
  /** Keras snake_case config, cleaned of Keras 3 serialisation wrappers. */
  config: Record<string, unknown>;
  inputShape: Shape;
  outputShape: Shape;
  params: number;
  nonTrainableParams: number;
  flops: number;
}

export interface NormalizedModel {
  name: string;
  sourceFormat: "keras-sequential" | "keras-functional" | "builder";
  kerasVersion: string | null;
  /** Per-sample input shape the data is fed in: [28, 28, 1], [28, 28] or [784]. */
  inputShape: Shape;
  /** 'logits' when the last layer is linear: the loss applies softmax itself. */
  output: "probabilities" | "logits";
  layers: NormalizedLayer[];
  /** Canonical Keras Sequential JSON (what tfjs loads; also valid for Keras 2). */
  keras: KerasModelJson;
}

export interface ParseOptions {
  maxParams?: number;
  maxFlops?: number;
  maxJsonBytes?: number;
  maxDepth?: number;
  maxLayers?: number;
}

export type ParseResult = { ok: true; model: NormalizedModel; notes: string[] } | { ok: false; errors: ArchError[] };

export const DEFAULT_LIMITS = {
  maxParams: 5_000_000,
  /** Forward FLOPs per sample; 200 M is ~100× the report's CNN, ~hours per epoch on 2 CPU cores. */
  maxFlops: 200_000_000,
  maxJsonBytes: 1_000_000,
  maxDepth: 32,
  maxLayers: 200,
} as const;

/** The UI builder's format: `{layers: [{type: 'Conv2D', filters: 64, kernelSize: 2}]}`. */
export interface BuilderModel {
  name?: string;
  inputShape?: number[];
  layers: ({ type: string } & Record<string, unknown>)[];
}

const ACCEPTED_INPUTS: Shape[] = [[28, 28, 1], [28, 28], [784]];

class Fail extends Error {
  constructor(readonly errors: ArchError[]) {
    super(errors[0]?.message);
  }
}
const err = (
  message: string,
  layerIndex: number | null = null,
  layerName: string | null = null,
  field: string | null = null,
): ArchError => ({
  layerIndex,
  layerName,
  field,
  message,
});

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const WEIGHT_REGULARIZERS = [
  "kernel_regularizer",
  "bias_regularizer",
  "depthwise_regularizer",
  "pointwise_regularizer",
  "beta_regularizer",
  "gamma_regularizer",
  "embeddings_regularizer",
];

/**
 * Keras writes weight penalties as `L1`, `L2` or `L1L2` (or the strings 'l1'/'l2'); tfjs knows
 * only `L1L2`. Rewrites them in place with Keras's defaults, so training applies the same
 * penalty, and rejects what can't be applied (activity regularizers, custom classes).
 */
function normalizeRegularizers(cfg: Record<string, unknown>): void {
  if (cfg.activity_regularizer !== undefined && cfg.activity_regularizer !== null) {
    throw new FieldIssue(
      "activity_regularizer",
      "is not supported (penalise the weights with kernel_regularizer instead)",
    );
  }
  for (const field of WEIGHT_REGULARIZERS) {
    let v = cfg[field];
    if (v === undefined || v === null) continue;
    if (v === "l1" || v === "l2" || v === "l1_l2")
      v = { class_name: v === "l1" ? "L1" : v === "l2" ? "L2" : "L1L2", config: {} };
    if (!isObj(v) || typeof v.class_name !== "string")
      throw new FieldIssue(field, 'must be {"class_name": "L2", "config": {"l2": 0.01}} (or L1, L1L2)');
    const c = isObj(v.config) ? v.config : {};
    const amount = (key: string, fallback: number): number => {
      const x = c[key] ?? fallback;
      if (typeof x !== "number" || !Number.isFinite(x) || x < 0)
        throw new FieldIssue(field, `${key} must be a number ≥ 0, got ${JSON.stringify(x)}`);
      return x;
    };
    switch (v.class_name) {
      case "L1":
        cfg[field] = { class_name: "L1L2", config: { l1: amount("l1", 0.01), l2: 0 } };
        break;
      case "L2":
        cfg[field] = { class_name: "L1L2", config: { l1: 0, l2: amount("l2", 0.01) } };
        break;
      case "L1L2":
        cfg[field] = { class_name: "L1L2", config: { l1: amount("l1", 0), l2: amount("l2", 0) } };
        break;
      default:
        throw new FieldIssue(field, `unsupported regularizer '${v.class_name}' (supported: L1, L2, L1L2)`);
    }
  }
}

function checkDepthAndSize(v: unknown, maxDepth: number): void {
  let nodes = 0;
  const walk = (x: unknown, depth: number) => {
    if (depth > maxDepth) throw new Fail([err(`JSON is nested more than ${maxDepth} levels deep`)]);
    if (++nodes > 200_000) throw new Fail([err("JSON has too many values (over 200,000)")]);
    if (typeof x === "number" && !Number.isFinite(x)) throw new Fail([err(`JSON contains a non-finite number (${x})`)]);
    if (Array.isArray(x)) for (const y of x) walk(y, depth + 1);
    else if (isObj(x)) for (const y of Object.values(x)) walk(y, depth + 1);
  };
  walk(v, 0);
}

function parseText(text: string, maxBytes: number): unknown {
  if (text.length > maxBytes) throw new Fail([err(`JSON is too large: ${text.length} characters, limit ${maxBytes}`)]);
  try {
    return JSON.parse(text);
  } catch (e) {
    // Python's json.dumps writes NaN/Infinity, which is not JSON: say so instead of a parse error.
    const m = /(?<![A-Za-z_"])(-?Infinity|NaN)(?![A-Za-z_"])/.exec(text);
    if (m) throw new Fail([err(`JSON contains a non-finite number (${m[1]}); every number must be finite`)]);
    throw new Fail([err(`not valid JSON: ${(e as Error).message}`)]);
  }
}

/** Keras 3 wraps dtypes, initializers, etc. in `{module, class_name, config, registered_name}`. */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (!isObj(v)) return v;
  if (v.class_name === "DTypePolicy" || v.class_name === "Policy") {
    const c = v.config;
    return isObj(c) && typeof c.name === "string" ? c.name : "float32";
  }
  const out: Record<string, unknown> = {};
  for (const [key, val] of Object.entries(v)) {
    if (key === "module" || key === "registered_name" || key === "build_config" || key === "compile_config") continue;
    out[key] = clean(val);
  }
  return out;
}

// Keys that carry the input shape, in each Keras generation.
function shapeFrom(cfg: Record<string, unknown>): { shape: (number | null)[]; field: string } | null {
  for (const field of ["batch_shape", "batch_input_shape"]) {
    const v = cfg[field];
    if (Array.isArray(v)) return { shape: v.slice(1) as (number | null)[], field };
  }
  if (Array.isArray(cfg.input_shape)) return { shape: cfg.input_shape as (number | null)[], field: "input_shape" };
  return null;
}

interface RawLayer {
  index: number;
  className: string;
  config: Record<string, unknown>;
}

function layerName(l: RawLayer): string | null {
  return typeof l.config.name === "string" ? l.config.name : null;
}

function rawLayersOf(list: unknown, where: string): RawLayer[] {
  if (!Array.isArray(list)) throw new Fail([err(`${where} must be a list of layers`)]);
  return list.map((l, index) => {
    if (!isObj(l) || typeof l.class_name !== "string") {
      throw new Fail([err(`layer ${index} is not a {class_name, config} object`, index, null, "class_name")]);
    }
    const config = isObj(l.config) ? (clean(l.config) as Record<string, unknown>) : {};
    if (typeof config.name !== "string" && typeof l.name === "string") config.name = l.name;
    return { index, className: l.class_name, config };
  });
}

// Keras 2: inbound_nodes = [[["dense", 0, 0, {}], ...]]; Keras 3: [{args: [{config: {keras_history: ["dense", 0, 0]}}]}].
function inboundNames(layer: Record<string, unknown>): string[][] {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes)) return [];
  return nodes.map((node) => {
    if (Array.isArray(node)) return node.map((t) => (Array.isArray(t) ? String(t[0]) : "?"));
    if (isObj(node)) {
      const names: string[] = [];
      const visit = (x: unknown) => {
        if (Array.isArray(x)) x.forEach(visit);
        else if (isObj(x)) {
          const cfg = x.config;
          if (x.class_name === "__keras_tensor__" && isObj(cfg) && Array.isArray(cfg.keras_history))
            names.push(String(cfg.keras_history[0]));
          else Object.values(x).forEach(visit);
        }
      };
      visit(node.args);
      return names;
    }
    return [];
  });
}

/** Orders a Functional model's layers into a chain, or explains why it is not one. */
function linearize(config: Record<string, unknown>): RawLayer[] {
  const list = config.layers;
  if (!Array.isArray(list)) throw new Fail([err("Functional model config has no layers list", null, null, "layers")]);
  const raw = rawLayersOf(list, "config.layers");
  const byName = new Map<string, { raw: RawLayer; inputs: string[][] }>();
  raw.forEach((r, i) => {
    const name = layerName(r) ?? `layer_${i}`;
    byName.set(name, { raw: r, inputs: inboundNames(list[i] as Record<string, unknown>) });
  });
  for (const [name, { raw: r, inputs }] of byName) {
    if (inputs.length > 1)
      throw new Fail([
        err(
          `layer '${name}' is called ${inputs.length} times (shared layers are not supported; only a single chain of layers is)`,
          r.index,
          name,
        ),
      ]);
    if (inputs[0] && inputs[0].length > 1) {
      throw new Fail([
        err(
          `layer '${name}' (${r.className}) has ${inputs[0].length} inputs: only linear models (a single chain of layers) are supported`,
          r.index,
          name,
        ),
      ]);
    }
  }
  const outs = Array.isArray(config.output_layers) ? config.output_layers : [];
  const ins = Array.isArray(config.input_layers) ? config.input_layers : [];
  // Keras 3 writes a single ["name", 0, 0]; Keras 2 a list of them.
  const names = (x: unknown[]) =>
    x.length && typeof x[0] === "string" ? [x[0] as string] : x.map((t) => (Array.isArray(t) ? String(t[0]) : "?"));
  const outNames = names(outs);
  const inNames = names(ins);
  if (outNames.length !== 1 || inNames.length !== 1) {
    throw new Fail([
      err(
        `the model has ${inNames.length} inputs and ${outNames.length} outputs; exactly one of each is supported`,
        null,
        null,
        outNames.length !== 1 ? "output_layers" : "input_layers",
      ),
    ]);
  }
  const chain: RawLayer[] = [];
  let cur: string | undefined = outNames[0];
  const seen = new Set<string>();
  while (cur !== undefined) {
    const node = byName.get(cur);
    if (!node) throw new Fail([err(`layer '${cur}' is referenced but not defined`, null, cur)]);
    if (seen.has(cur)) throw new Fail([err(`layer '${cur}' is part of a cycle`, node.raw.index, cur)]);
    seen.add(cur);
    chain.unshift(node.raw);
    cur = node.inputs[0]?.[0];
  }
  if (layerName(chain[0]) !== inNames[0])
    throw new Fail([
      err(`the chain from the output does not start at input '${inNames[0]}'`, chain[0].index, layerName(chain[0])),
    ]);
  const unused = raw.filter((r) => !chain.includes(r));
  if (unused.length) {
    const u = unused[0];
    throw new Fail([
      err(
        `layer '${layerName(u)}' is not on the path from input to output: only linear models are supported`,
        u.index,
        layerName(u),
      ),
    ]);
  }
  return chain;
}

function fromBuilder(b: Record<string, unknown>): { layers: RawLayer[]; name: string; inputShape: number[] | null } {
  const list = b.layers as unknown[];
  const layers = list.map((l, index) => {
    if (!isObj(l) || typeof l.type !== "string")
      throw new Fail([
        err(`layer ${index} needs a string 'type' (a Keras class name such as 'Conv2D')`, index, null, "type"),
      ]);
    const { type, ...rest } = l;
    return { index, className: type, config: snakeKeys(rest) };
  });
  const inputShape = Array.isArray(b.inputShape) ? (b.inputShape as number[]) : null;
  return { layers, name: typeof b.name === "string" ? b.name : "model", inputShape };
}

function resolveInput(
  layers: RawLayer[],
  explicit: (number | null)[] | null,
  notes: string[],
): { shape: Shape; body: RawLayer[] } {
  let body = layers;
  let found: { shape: (number | null)[]; field: string; layer: RawLayer | null } | null = explicit
    ? { shape: explicit, field: "inputShape", layer: null }
    : null;
  if (body[0]?.className === "InputLayer") {
    const s = shapeFrom(body[0].config);
    if (s) found = { ...s, layer: body[0] };
    body = body.slice(1);
  }
  if (!found && body[0]) {
    const s = shapeFrom(body[0].config);
    if (s) found = { ...s, layer: body[0] };
  }
  for (const l of body.slice(1)) {
    if (l.className === "InputLayer")
      throw new Fail([err("InputLayer is only allowed first", l.index, layerName(l), "class_name")]);
  }
  if (!found) {
    const first = body[0]?.className;
    const shape = first === "Dense" ? [784] : [28, 28, 1];
    notes.push(`No input shape given; assuming ${fmt(shape)} (the images${shape.length === 1 ? ", flattened" : ""}).`);
    return { shape, body };
  }
  const li = found.layer ? found.layer.index : null;
  const ln = found.layer ? layerName(found.layer) : null;
  const s = found.shape;
  if (s.some((d) => d === null))
    throw new Fail([
      err(
        `input shape ${fmt(s)} has unknown dimensions; it must be (28, 28, 1), (28, 28) or (784,)`,
        li,
        ln,
        found.field,
      ),
    ]);
  const shape = s as number[];
  if (!ACCEPTED_INPUTS.some((a) => a.length === shape.length && a.every((d, i) => d === shape[i]))) {
    const size = shape.reduce((a, b) => a * b, 1);
    const hint =
      shape.length === 3 && shape[0] === 1 && shape[1] === 28
        ? " (channels-first is not supported: use (28, 28, 1))"
        : size === 784
          ? ""
          : ` (Fashion-MNIST images are 28×28 grayscale = 784 values; got ${size})`;
    throw new Fail([
      err(`input shape ${fmt(shape)} is not accepted; use (28, 28, 1), (28, 28) or (784,)${hint}`, li, ln, found.field),
    ]);
  }
  if (shape.length === 1) notes.push("Input is (None, 784): images are fed flattened, row by row.");
  else if (shape.length === 2) notes.push("Input is (None, 28, 28): images are fed as 28×28 without a channel axis.");
  return { shape, body };
}

function finalActivation(layers: NormalizedLayer[]): { act: string; layer: NormalizedLayer } {
  const last = layers[layers.length - 1];
  if (last.className === "Softmax") return { act: "softmax", layer: last };
  if (typeof last.config.activation === "string") return { act: last.config.activation, layer: last };
  return { act: "linear", layer: last };
}

export function parseArchitecture(input: unknown, opts: ParseOptions = {}): ParseResult {
  const lim = { ...DEFAULT_LIMITS, ...opts };
  const notes: string[] = [];
  try {
    const json = typeof input === "string" ? parseText(input, lim.maxJsonBytes) : input;
    if (!isObj(json)) throw new Fail([err("expected a JSON object (a Keras model.to_json() or {layers: [...]})")]);
    checkDepthAndSize(json, lim.maxDepth);
    if (typeof input !== "string" && JSON.stringify(json).length > lim.maxJsonBytes) {
      throw new Fail([err(`JSON is too large (limit ${lim.maxJsonBytes} characters)`)]);
    }

    let raw: RawLayer[];
    let name = "model";
    let explicitInput: number[] | null = null;
    let sourceFormat: NormalizedModel["sourceFormat"];
    const kerasVersion = typeof json.keras_version === "string" ? json.keras_version : null;
    // Keras ≤ 2.2 wrote {"class_name": "Sequential", "config": [layers...]}.
    const cfg = Array.isArray(json.config) ? { layers: json.config } : isObj(json.config) ? json.config : null;
    if (Array.isArray(json.layers) && json.class_name === undefined) {
      const b = fromBuilder(json);
      raw = b.layers;
      name = b.name;
      explicitInput = b.inputShape;
      sourceFormat = "builder";
    } else if (json.class_name === "Sequential") {
      if (!cfg) throw new Fail([err("Sequential model has no config", null, null, "config")]);
      raw = rawLayersOf(cfg.layers, "config.layers");
      name = typeof cfg.name === "string" ? cfg.name : "sequential";
      // Keras 3 may keep the input shape only in build_input_shape.
      if (Array.isArray(cfg.build_input_shape) && !raw.some((r) => shapeFrom(r.config)))
        explicitInput = cfg.build_input_shape.slice(1) as number[];
      sourceFormat = "keras-sequential";
    } else if (json.class_name === "Functional" || json.class_name === "Model") {
      if (!cfg) throw new Fail([err("Functional model has no config", null, null, "config")]);
      raw = linearize(cfg);
      name = typeof cfg.name === "string" ? cfg.name : "model";
      sourceFormat = "keras-functional";
    } else {
      throw new Fail([
        err(
          `not a Keras model JSON: class_name is ${JSON.stringify(json.class_name)}; expected 'Sequential', 'Functional' or 'Model' (or the builder format {layers: [...]})`,
          null,
          null,
          "class_name",
        ),
      ]);
    }
    if (raw.length > lim.maxLayers)
      throw new Fail([err(`too many layers: ${raw.length}, limit ${lim.maxLayers}`, null, null, "layers")]);

    // Class names first, so every unknown layer is reported at once.
    const classErrors: ArchError[] = [];
    for (const r of raw) {
      r.className = CLASS_ALIASES[r.className] ?? r.className;
      if (r.className === "InputLayer" || LAYERS[r.className]) continue;
      const why = KNOWN_UNSUPPORTED[r.className];
      classErrors.push(
        err(
          `unsupported layer class '${r.className}'${why ? `: ${why}` : ""} (supported: ${SUPPORTED_LAYERS.join(", ")})`,
          r.index,
          layerName(r),
          "class_name",
        ),
      );
    }
    if (classErrors.length) throw new Fail(classErrors);

    const { shape: inputShape, body } = resolveInput(raw, explicitInput, notes);
    if (body.length === 0) throw new Fail([err("the model has no layers")]);

    // Unique names, Keras-style defaults for missing ones.
    const used = new Set<string>();
    const seq = sequential(
      body.map((r) => ({ class_name: r.className, config: r.config })),
      {},
    );
    const layers: NormalizedLayer[] = [];
    let shape = inputShape;
    body.forEach((r, i) => {
      const cfgL = seq.config.layers[i].config;
      const lname = String(cfgL.name);
      if (used.has(lname)) throw new Fail([err(`duplicate layer name '${lname}'`, r.index, lname, "name")]);
      used.add(lname);
      try {
        normalizeRegularizers(cfgL);
        const res = LAYERS[r.className].infer(shape, cfgL);
        for (const d of res.out) {
          if (!Number.isInteger(d) || d < 1)
            throw new FieldIssue(null, `produces an invalid output shape ${fmt(res.out)}`);
        }
        layers.push({
          index: r.index,
          name: lname,
          className: r.className,
          config: cfgL,
          inputShape: shape,
          outputShape: res.out,
          params: res.params,
          // A frozen layer (trainable: false) keeps all its weights fixed, as in Keras's summary.
          nonTrainableParams: cfgL.trainable === false ? res.params : (res.nonTrainable ?? 0),
          flops: res.flops,
        });
        shape = res.out;
      } catch (e) {
        if (e instanceof FieldIssue) {
          throw new Fail([
            err(
              `${r.className} '${lname}' (input ${fmt(shape)}): ${e.field ? `${e.field} ` : ""}${e.message}`,
              r.index,
              lname,
              e.field,
            ),
          ]);
        }
        throw e;
      }
    });

    const last = layers[layers.length - 1];
    if (shape.length !== 1 || shape[0] !== 10) {
      const field = "units" in last.config ? "units" : "filters" in last.config ? "filters" : null;
      throw new Fail([
        err(
          `the output must be 10 class scores, shape (None, 10); the last layer gives ${fmt(shape)}${shape.length > 1 ? " (add Flatten and Dense(10))" : ""}`,
          last.index,
          last.name,
          field,
        ),
      ]);
    }
    const { act, layer: actLayer } = finalActivation(layers);
    let output: NormalizedModel["output"];
    if (act === "softmax") output = "probabilities";
    else if (act === "linear") {
      output = "logits";
      notes.push(
        `The last layer '${actLayer.name}' is linear: its outputs are treated as logits (softmax is applied in the loss and for predictions).`,
      );
    } else {
      throw new Fail([
        err(
          `the output activation must be 'softmax' (or 'linear' for logits) to train with categorical cross-entropy, got '${act}'`,
          actLayer.index,
          actLayer.name,
          "activation",
        ),
      ]);
    }

    const totalParams = layers.reduce((a, l) => a + l.params, 0);
    if (totalParams > lim.maxParams) {
      const big = layers.reduce((a, l) => (l.params > a.params ? l : a));
      throw new Fail([
        err(
          `the model has ${totalParams.toLocaleString("en-US")} parameters, over the budget of ${lim.maxParams.toLocaleString("en-US")} (largest: '${big.name}' with ${big.params.toLocaleString("en-US")})`,
          big.index,
          big.name,
          null,
        ),
      ]);
    }
    const flops = layers.reduce((a, l) => a + l.flops, 0);
    if (flops > lim.maxFlops) {
      const big = layers.reduce((a, l) => (l.flops > a.flops ? l : a));
      throw new Fail([
        err(
          `the model needs ${(flops / 1e6).toFixed(1)} MFLOPs per image, over the budget of ${(lim.maxFlops / 1e6).toFixed(1)} (largest: '${big.name}' with ${(big.flops / 1e6).toFixed(1)})`,
          big.index,
          big.name,
          null,
        ),
      ]);
    }

    const keras = sequential(
      layers.map((l) => ({ class_name: l.className, config: l.config })),
      { name, inputShape },
    );
    return { ok: true, model: { name, sourceFormat, kerasVersion, inputShape, output, layers, keras }, notes };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, errors: e.errors };
    // Anything else is a bug in this module; still never a crash for the caller.
    return { ok: false, errors: [err(`could not read the architecture: ${(e as Error).message}`)] };
  }
}

export type { KerasLayerJson };
export { ACTIVATIONS, camelToSnake };
