// Builders for real Keras model JSON (what `model.to_json()` writes), so presets and the web UI's
// layer builder produce the same format students paste. Configs use Keras's snake_case keys.

export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
  /** Functional models: the layer's name again and its calls, Keras 2 style (see functional()). */
  name?: string;
  inbound_nodes?: [string, number, number, Record<string, never>][][];
}
export interface KerasModelJson {
  class_name: "Sequential" | "Functional";
  config: {
    name: string;
    layers: KerasLayerJson[];
    /** Functional only: `[[name, 0, 0]]`. */
    input_layers?: [string, number, number][];
    output_layers?: [string, number, number][];
  };
  keras_version: string;
  backend: string;
}

export const camelToSnake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

/** `{kernelSize: 2, useBias: true}` → `{kernel_size: 2, use_bias: true}` (top-level keys only). */
export function snakeKeys(cfg: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg)) out[camelToSnake(k)] = v;
  return out;
}

export function layer(className: string, config: Record<string, unknown> = {}): KerasLayerJson {
  return { class_name: className, config: snakeKeys(config) };
}

const counters = () => new Map<string, number>();

/** keras/src/utils/naming.py to_snake_case, regex for regex (also the Keras writer's layer paths). */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/** Keras's default layer names: conv2d, conv2d_1, global_average_pooling2d, … (Keras 2.3+/3 numbering). */
function defaultName(className: string, seen: Map<string, number>): string {
  const base = toSnakeCase(className);
  const n = seen.get(base) ?? 0;
  seen.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/**
 * A Keras 2 style Sequential JSON. The input shape goes on the first layer as
 * `batch_input_shape`, which every Keras version and tfjs read.
 */
export function sequential(
  layers: KerasLayerJson[],
  opts: { name?: string; inputShape?: number[] } = {},
): KerasModelJson {
  const seen = counters();
  const out = layers.map((l, i) => {
    const config = { ...l.config };
    if (typeof config.name !== "string" || !config.name) config.name = defaultName(l.class_name, seen);
    if (i === 0 && opts.inputShape) config.batch_input_shape = [null, ...opts.inputShape];
    return { class_name: l.class_name, config };
  });
  return {
    class_name: "Sequential",
    config: { name: opts.name ?? "sequential", layers: out },
    keras_version: "2.15.0",
    backend: "tensorflow",
  };
}

// Convenience constructors with Keras's defaults spelled out where the defaults matter to shapes.
export const k = {
  dense: (units: number, activation = "linear", extra: Record<string, unknown> = {}) =>
    layer("Dense", { units, activation, useBias: true, ...extra }),
  conv2d: (filters: number, kernelSize: number | [number, number], extra: Record<string, unknown> = {}) =>
    layer("Conv2D", {
      filters,
      kernelSize: Array.isArray(kernelSize) ? kernelSize : [kernelSize, kernelSize],
      strides: [1, 1],
      padding: "valid",
      activation: "linear",
      useBias: true,
      ...extra,
    }),
  maxPool2d: (poolSize: number | [number, number] = 2, extra: Record<string, unknown> = {}) =>
    layer("MaxPooling2D", {
      poolSize: Array.isArray(poolSize) ? poolSize : [poolSize, poolSize],
      padding: "valid",
      ...extra,
    }),
  flatten: () => layer("Flatten", {}),
  dropout: (rate: number) => layer("Dropout", { rate }),
  batchNorm: () => layer("BatchNormalization", { axis: -1, momentum: 0.99, epsilon: 0.001 }),
};

/**
 * A Keras 2 / tf.keras 2 style Functional JSON (what tfjs-layers and every Keras read): an
 * InputLayer, then the layers in topological order, each called once on the layers named in
 * `inbound`; the last one is the output.
 */
export function functional(
  layers: (KerasLayerJson & { inbound: string[] })[],
  opts: { name: string; inputName: string; inputShape: number[] },
): KerasModelJson {
  const input: KerasLayerJson = {
    class_name: "InputLayer",
    config: {
      batch_input_shape: [null, ...opts.inputShape],
      dtype: "float32",
      sparse: false,
      ragged: false,
      name: opts.inputName,
    },
    name: opts.inputName,
    inbound_nodes: [],
  };
  const out = layers.map(({ inbound, ...l }) => ({
    class_name: l.class_name,
    config: { ...l.config },
    name: String(l.config.name),
    inbound_nodes: [inbound.map((n) => [n, 0, 0, {}] as [string, number, number, Record<string, never>])],
  }));
  return {
    class_name: "Functional",
    config: {
      name: opts.name,
      layers: [input, ...out],
      input_layers: [[opts.inputName, 0, 0]],
      output_layers: [[out[out.length - 1].name, 0, 0]],
    },
    keras_version: "2.15.0",
    backend: "tensorflow",
  };
}
