import fc from "fast-check";

// Random architectures and training configurations for the property tests (fuzz.test.ts, and
// `npm run fuzz` for long runs). Most generated models are plausible chains, so that many parse
// and reach the model build; the rest mix in wrong types, out-of-range values, unknown classes and
// names that live on every object's prototype. Sizes stay small so a build takes milliseconds.

type Json = Record<string, unknown>;

/** Values that no numeric, boolean or enum field accepts. */
const junk = fc.constantFrom<unknown>(
  null,
  -1,
  0,
  1.5,
  Number.NaN,
  1e12,
  "3",
  "",
  "toString",
  "__proto__",
  true,
  [],
  [1, 2, 3, 4],
  {},
  { class_name: "constructor" },
);

/** A value for a field: usually one from `good`, sometimes junk. */
const field = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: junk });

const activation = fc.constantFrom(
  "relu",
  "tanh",
  "sigmoid",
  "linear",
  "elu",
  "selu",
  "softplus",
  "swish",
  "gelu",
  "softmax",
  "hard_sigmoid",
  "leaky_relu",
  "constructor",
);
const padding = fc.constantFrom("valid", "same");
const small = (max: number) => fc.integer({ min: 1, max });
const kernel = fc.oneof(small(5), fc.tuple(small(5), small(5)));
const stride = fc.oneof(small(3), fc.tuple(small(3), small(3)));
const rate = fc.double({ min: 0, max: 0.9, noNaN: true });

/** Optional keys: each key of `spec` is present about half the time. */
function config(spec: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Json> {
  return fc.record(Object.fromEntries(Object.entries(spec).map(([k, a]) => [k, field(a)])), {
    requiredKeys: [],
  }) as fc.Arbitrary<Json>;
}

const LAYERS: Record<string, fc.Arbitrary<Json>> = {
  Conv2D: config({
    filters: small(16),
    kernel_size: kernel,
    strides: stride,
    padding,
    activation,
    use_bias: fc.boolean(),
  }),
  DepthwiseConv2D: config({ kernel_size: kernel, strides: stride, padding, depth_multiplier: small(3), activation }),
  SeparableConv2D: config({ filters: small(16), kernel_size: kernel, padding, depth_multiplier: small(2), activation }),
  Conv2DTranspose: config({ filters: small(8), kernel_size: kernel, strides: small(2), padding, activation }),
  MaxPooling2D: config({ pool_size: fc.oneof(small(3), fc.tuple(small(3), small(3))), strides: stride, padding }),
  AveragePooling2D: config({ pool_size: small(3), padding }),
  GlobalAveragePooling2D: config({}),
  GlobalMaxPooling2D: config({ keepdims: fc.boolean() }),
  BatchNormalization: config({ momentum: fc.double({ min: 0, max: 1, noNaN: true }), center: fc.boolean() }),
  LayerNormalization: config({ epsilon: fc.double({ min: 1e-6, max: 1e-2, noNaN: true }) }),
  ZeroPadding2D: config({ padding: fc.oneof(small(2), fc.tuple(small(2), small(2))) }),
  Cropping2D: config({ cropping: fc.oneof(small(2), fc.tuple(small(2), small(2))) }),
  UpSampling2D: config({ size: small(2) }),
  Dense: config({ units: small(64), activation, use_bias: fc.boolean() }),
  Dropout: config({ rate }),
  GaussianNoise: config({ stddev: fc.double({ min: 0, max: 1, noNaN: true }) }),
  Activation: config({ activation }),
  ReLU: config({ max_value: fc.double({ min: 0, max: 10, noNaN: true }) }),
  LeakyReLU: config({ negative_slope: fc.double({ min: 0, max: 1, noNaN: true }) }),
  ELU: config({ alpha: fc.double({ min: 0, max: 2, noNaN: true }) }),
  Softmax: config({}),
  Flatten: config({}),
  Reshape: config({ target_shape: fc.oneof(fc.constant([784]), fc.constant([28, 28, 1]), fc.constant([7, 7, 16])) }),
  Conv1D: config({ filters: small(8), kernel_size: small(5), padding, activation }),
  MaxPooling1D: config({ pool_size: small(3) }),
  GlobalAveragePooling1D: config({}),
};

const spatial = [
  "Conv2D",
  "DepthwiseConv2D",
  "SeparableConv2D",
  "Conv2DTranspose",
  "MaxPooling2D",
  "AveragePooling2D",
  "BatchNormalization",
  "LayerNormalization",
  "ZeroPadding2D",
  "Cropping2D",
  "UpSampling2D",
  "Dropout",
  "GaussianNoise",
  "Activation",
  "ReLU",
  "LeakyReLU",
  "ELU",
];
const flattening = ["Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Reshape"];
const dense = ["Dense", "Dropout", "BatchNormalization", "Activation", "LeakyReLU", "GaussianNoise"];
/** Anything, including classes the trainer doesn't support and prototype names. */
const anyClass = fc.constantFrom(
  ...Object.keys(LAYERS),
  "Lambda",
  "SpatialDropout2D",
  "Frobnicate",
  "constructor",
  "toString",
  "InputLayer",
);

const layerOf = (className: string) => LAYERS[className]!.map((config) => ({ class_name: className, config }));
const layerFrom = (names: string[]) => fc.constantFrom(...names).chain(layerOf);

const output = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ class_name: "Dense", config: { units: 10, activation: "softmax" } }) },
  { weight: 1, arbitrary: fc.constant({ class_name: "Dense", config: { units: 10 } }) },
  { weight: 1, arbitrary: layerOf("Dense") },
);

const inputShape = fc.oneof(
  { weight: 6, arbitrary: fc.constant([28, 28, 1]) },
  { weight: 1, arbitrary: fc.constant([784]) },
  { weight: 1, arbitrary: fc.constant([28, 28]) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>([1, 28, 28], [32, 32, 3], [null, 28, 1], "28x28", [0]) },
);

/** A plausible chain: spatial layers, a flattening step, dense layers, 10 outputs. */
const chain = fc
  .tuple(
    inputShape,
    fc.array(layerFrom(spatial), { maxLength: 4 }),
    layerFrom(flattening),
    fc.array(layerFrom(dense), { maxLength: 3 }),
    output,
  )
  .map(([shape, convs, flat, denses, out]) => ({ shape, layers: [...convs, flat, ...denses, out] }));

/** A few layers of any class, in any order. */
const scramble = fc
  .tuple(
    inputShape,
    fc.array(
      anyClass.chain((c) => (Object.hasOwn(LAYERS, c) ? layerOf(c) : fc.constant({ class_name: c, config: {} }))),
      { maxLength: 6 },
    ),
  )
  .map(([shape, layers]) => ({ shape, layers }));

/** Keras Sequential JSON (the input shape on the first layer, or as an InputLayer) or the builder format. */
export const architecture: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: chain }, { weight: 1, arbitrary: scramble }),
    fc.constantFrom("first", "input-layer", "builder", "none"),
  )
  .map(([{ shape, layers }, form]) => {
    if (form === "builder") {
      return {
        inputShape: shape,
        layers: layers.map((l) => ({ type: l.class_name, ...camel(l.config) })),
      };
    }
    const keras = layers.map((l, i) => ({
      class_name: l.class_name,
      config:
        i === 0 && form === "first"
          ? { ...l.config, batch_input_shape: [null, ...(Array.isArray(shape) ? shape : [shape])] }
          : l.config,
    }));
    if (form === "input-layer") {
      keras.unshift({
        class_name: "InputLayer",
        config: { batch_input_shape: [null, ...(Array.isArray(shape) ? shape : [shape])] },
      });
    }
    return { class_name: "Sequential", config: { name: "fuzzed", layers: keras } };
  });

function camel(cfg: Json): Json {
  return Object.fromEntries(
    Object.entries(cfg).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}

/** Training configurations: mostly valid fields, some junk, some unknown keys. */
export const trainingConfig: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        optimizer: field(fc.constantFrom("sgd", "momentum", "adam", "rmsprop", "adagrad", "adamw")),
        learningRate: field(fc.double({ min: 1e-5, max: 1, noNaN: true })),
        momentum: field(fc.double({ min: 0, max: 0.99, noNaN: true })),
        batchSize: field(fc.integer({ min: 1, max: 512 })),
        maxEpochs: field(fc.integer({ min: 1, max: 100 })),
        validationSplit: field(fc.double({ min: 0, max: 0.5, noNaN: true })),
        seed: field(fc.integer({ min: 0, max: 2 ** 31 - 1 })),
        earlyStopping: field(
          fc.oneof(
            fc.constant(null),
            fc.record(
              {
                monitor: field(fc.constantFrom("val_loss", "val_accuracy")),
                patience: field(fc.integer({ min: 0, max: 10 })),
              },
              { requiredKeys: [] },
            ),
          ),
        ),
        shuffle: field(fc.boolean()),
        constructor: field(fc.constant("x")),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: junk },
);

/** Fields each class validates, with a value of a type or range that is never accepted. */
export const FAULTS: Record<string, Record<string, unknown[]>> = {
  Conv2D: {
    filters: [0, -4, 2.5, "16"],
    kernel_size: [0, [3], "3", -1],
    strides: [0, [1, 1, 1]],
    padding: ["full", 1],
    activation: ["nope", "toString", 3],
    use_bias: ["yes", 1],
  },
  Dense: { units: [0, -1, 1.5, "64", null], activation: ["nope", "constructor"], use_bias: ["no"] },
  Dropout: { rate: [-0.1, 1.5, "0.5"] },
  MaxPooling2D: { pool_size: [0, [2, 2, 2], "2"], padding: ["full"] },
  BatchNormalization: { momentum: ["0.9"], center: ["true"] },
  Activation: { activation: ["nope", "__proto__", 0] },
};

/**
 * A valid CNN or MLP, and one fault injected at a known layer and field: the rejection must name
 * that layer (its position in the submitted list) and that field.
 */
export const injectedFault = fc
  .record({
    conv: fc.boolean(),
    filters: small(16),
    units: small(64),
    at: fc.nat(),
  })
  .chain(({ conv, filters, units, at }) => {
    const layers = conv
      ? [
          {
            class_name: "Conv2D",
            config: {
              filters,
              kernel_size: 3,
              padding: "same",
              activation: "relu",
              batch_input_shape: [null, 28, 28, 1],
            },
          },
          { class_name: "MaxPooling2D", config: { pool_size: 2 } },
          { class_name: "BatchNormalization", config: {} },
          { class_name: "Flatten", config: {} },
          { class_name: "Dropout", config: { rate: 0.25 } },
          { class_name: "Dense", config: { units, activation: "relu" } },
          { class_name: "Activation", config: { activation: "tanh" } },
          { class_name: "Dense", config: { units: 10, activation: "softmax" } },
        ]
      : [
          { class_name: "Dense", config: { units, activation: "relu", batch_input_shape: [null, 784] } },
          { class_name: "Dropout", config: { rate: 0.2 } },
          { class_name: "Dense", config: { units: 10, activation: "softmax" } },
        ];
    const candidates = layers.flatMap((l, index) =>
      Object.entries(FAULTS[l.class_name] ?? {}).map(([key, values]) => ({ index, key, values })),
    );
    const target = candidates[at % candidates.length]!;
    return fc.constantFrom(...target.values).map((value) => {
      const faulty = structuredClone(layers);
      faulty[target.index]!.config = { ...faulty[target.index]!.config, [target.key]: value };
      return {
        architecture: { class_name: "Sequential", config: { name: "faulty", layers: faulty } },
        layerIndex: target.index,
        field: target.key,
        value,
      };
    });
  });

const MERGES = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"];

/**
 * A Functional graph over a (784,) input, in Keras 2 or Keras 3 JSON: Dense, Reshape and merge
 * layers wired to random earlier ones (so merge shapes match or don't), then Flatten and
 * Dense(10); sometimes with a reference to a missing layer, a later layer (a cycle) or a
 * layer that feeds nothing. What parses must build in tfjs with the same parameter count.
 */
export const graphArchitecture: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.array(
      fc.record({
        kind: fc.constantFrom("Dense", "Reshape", "merge", "merge"),
        units: fc.constantFrom(8, 8, 8, 4),
        target: fc.constantFrom([2, 4], [8], [8], [2, 2]),
        merge: fc.constantFrom(...MERGES),
        axis: fc.constantFrom(-1, -2, 1, 2, 0),
        picks: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    fc.constantFrom("keras2", "keras3"),
    fc.constantFrom("none", "none", "none", "none", "missing", "cycle", "dangling"),
  )
  .map(([nodes, dialect, fault]) => {
    const layers: { class_name: string; name: string; config: Json; inputs: string[] }[] = [];
    const names = ["in"];
    nodes.forEach((n, i) => {
      const name = `n${i}`;
      const pick = (k: number) => names[n.picks[k % n.picks.length] % names.length];
      const prev = names[names.length - 1];
      // Every layer takes the one before (and a merge some earlier ones), so all reach the output.
      if (n.kind === "merge") {
        const inputs = [prev, ...n.picks.map((_, k) => pick(k))];
        layers.push({ class_name: n.merge, name, config: n.merge === "Concatenate" ? { axis: n.axis } : {}, inputs });
      } else if (n.kind === "Dense")
        layers.push({ class_name: "Dense", name, config: { units: n.units, activation: "relu" }, inputs: [prev] });
      else layers.push({ class_name: "Reshape", name, config: { target_shape: n.target }, inputs: [prev] });
      names.push(name);
    });
    const last = names[names.length - 1];
    layers.push({ class_name: "Flatten", name: "flat", config: {}, inputs: [last] });
    layers.push({ class_name: "Dense", name: "out", config: { units: 10, activation: "softmax" }, inputs: ["flat"] });
    if (fault === "missing") layers[0].inputs = ["nowhere"];
    if (fault === "cycle") layers[0].inputs = [...layers[0].inputs, "flat"];
    if (fault === "dangling") layers.push({ class_name: "Dense", name: "extra", config: { units: 3 }, inputs: ["in"] });
    const tensor = (t: string) => ({ class_name: "__keras_tensor__", config: { keras_history: [t, 0, 0] } });
    const list: Json[] = [
      {
        class_name: "InputLayer",
        name: "in",
        config:
          dialect === "keras2"
            ? { name: "in", batch_input_shape: [null, 784] }
            : { name: "in", batch_shape: [null, 784] },
        inbound_nodes: [],
      },
      ...layers.map((l) => ({
        class_name: l.class_name,
        name: l.name,
        config: { name: l.name, ...l.config },
        inbound_nodes:
          dialect === "keras2"
            ? [l.inputs.map((t) => [t, 0, 0, {}])]
            : [{ args: l.inputs.length === 1 ? [tensor(l.inputs[0])] : [l.inputs.map(tensor)], kwargs: {} }],
      })),
    ];
    return {
      class_name: "Functional",
      config: { name: "fuzzed_graph", layers: list, input_layers: [["in", 0, 0]], output_layers: [["out", 0, 0]] },
    };
  });
