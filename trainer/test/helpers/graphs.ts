// Functional model JSON as Keras writes it, in both dialects, for the graph tests:
// - "keras2" (Keras 2 / tf.keras 2.x): inbound_nodes `[[["a", 0, 0, {}], ["b", 0, 0, {}]]]`;
// - "keras3": inbound_nodes `[{"args": [[tensor, tensor]], "kwargs": {}}]` (one input: `[tensor]`),
//   each tensor `{"class_name": "__keras_tensor__", "config": {"keras_history": [name, 0, 0]}}`,
//   with Keras 3's module/registered_name/DTypePolicy wrappers (functional.py serialize_node).
export type Dialect = "keras2" | "keras3";

export interface GraphLayer {
  class_name: string;
  name: string;
  config?: Record<string, unknown>;
  /** Layer names it is called on; omitted for the InputLayer. */
  inputs?: string[];
}

const tensor = (name: string) => ({
  class_name: "__keras_tensor__",
  config: { shape: null, dtype: "float32", keras_history: [name, 0, 0] },
});

export function graphJson(
  dialect: Dialect,
  layers: GraphLayer[],
  opts: { inputs?: string[]; outputs?: string[]; name?: string } = {},
): Record<string, unknown> {
  const inputs = opts.inputs ?? [layers[0].name];
  const outputs = opts.outputs ?? [layers[layers.length - 1].name];
  const list = layers.map((l) => {
    const config: Record<string, unknown> = { name: l.name, trainable: true, ...l.config };
    const ins = l.inputs ?? [];
    // Keras 2 writes an InputLayer's shape as batch_input_shape, Keras 3 as batch_shape.
    if (l.class_name === "InputLayer") delete config[dialect === "keras2" ? "batch_shape" : "batch_input_shape"];
    if (dialect === "keras2") {
      if (l.class_name !== "InputLayer") config.dtype = "float32";
      return {
        class_name: l.class_name,
        config,
        name: l.name,
        inbound_nodes: ins.length ? [ins.map((n) => [n, 0, 0, {}])] : [],
      };
    }
    if (l.class_name !== "InputLayer")
      config.dtype = { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null };
    return {
      module: "keras.layers",
      class_name: l.class_name,
      config,
      registered_name: null,
      name: l.name,
      inbound_nodes: ins.length ? [{ args: ins.length === 1 ? [tensor(ins[0])] : [ins.map(tensor)], kwargs: {} }] : [],
    };
  });
  const config = {
    name: opts.name ?? "graph",
    trainable: true,
    layers: list,
    input_layers: inputs.map((n) => [n, 0, 0]),
    output_layers: outputs.map((n) => [n, 0, 0]),
  };
  return dialect === "keras2"
    ? { class_name: "Functional", config, keras_version: "2.15.0", backend: "tensorflow" }
    : { module: "keras.src.models.functional", class_name: "Functional", config, registered_name: "Functional" };
}

export const input = (name = "input", shape = [28, 28, 1]): GraphLayer => ({
  class_name: "InputLayer",
  name,
  config: { batch_shape: [null, ...shape], batch_input_shape: [null, ...shape], dtype: "float32", sparse: false },
});

export const layer = (class_name: string, name: string, inputs: string[], config: Record<string, unknown> = {}) => ({
  class_name,
  name,
  inputs,
  config,
});

/**
 * input (784,) → one Dense + Reshape branch per shape → `merge` → Flatten → Dense(10, softmax):
 * a model whose merge sees exactly `shapes`. The branches' parameters are 784·n + n each.
 */
export function mergeModel(
  dialect: Dialect,
  merge: string,
  shapes: number[][],
  config: Record<string, unknown> = {},
): Record<string, unknown> {
  const layers: GraphLayer[] = [input("input", [784])];
  shapes.forEach((s, i) => {
    const n = s.reduce((a, b) => a * b, 1);
    layers.push(layer("Dense", `dense_${i}`, ["input"], { units: n, activation: "relu" }));
    layers.push(layer("Reshape", `reshape_${i}`, [`dense_${i}`], { target_shape: s }));
  });
  layers.push(
    layer(
      merge,
      "merge",
      shapes.map((_, i) => `reshape_${i}`),
      config,
    ),
  );
  layers.push(layer("Flatten", "flatten", ["merge"]));
  layers.push(layer("Dense", "out", ["flatten"], { units: 10, activation: "softmax" }));
  return graphJson(dialect, layers);
}
