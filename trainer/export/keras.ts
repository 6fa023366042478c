// A saved model → a Keras 3 `.keras` file: a zip of config.json, metadata.json and
// model.weights.h5, written the way keras/src/saving/saving_lib.py writes and reads them.
//
// config.json is `serialize_keras_object(model)`: {module, class_name, config, registered_name,
// build_config} for the Sequential and each layer, with an explicit InputLayer first. Layer configs
// hold only constructor arguments Keras 3 accepts (an unknown key fails `from_config`), with dtype
// as the plain string every Keras 3 release reads (3.4+ write a DTypePolicy dict, 3.0–3.3 a string).
// Which keys each class takes was read from Keras's source (trainer/scripts/keras-signatures.py).
//
// model.weights.h5 follows `_save_state` for an uncompiled Sequential: the model's own (empty)
// `vars` group at the root, then for each layer of `model.layers` (the InputLayer excluded)
// `layers/<snake_case of its class>[_<n>]/vars/<i>` — the path comes from the class name with a
// counter per name (`_save_container_state`, `naming.to_snake_case`), never the layer's name — and
// dataset i is the layer's i-th variable, trainable ones first (`Layer.save_own_variables`). Each
// vars group gets the `name` attribute recent Keras writes. No optimizer group: the model is
// exported uncompiled (Keras then skips compile_config and the optimizer's state).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import h5wasm from "h5wasm/node";
import { toSnakeCase } from "../arch/keras";
import { TRAINER_VERSION } from "../version";
import { UnsupportedLayerError } from "./errors";
import type { SavedModel } from "./format";
import { type ExportLayer, type ExportModel, exportLayers, refuseGraph } from "./layers";

// Keras doesn't read metadata.json when loading; this is the oldest release whose loader reads what
// is written here: string dtypes, the root `vars` group 3.0's loader requires, and layer arguments
// that 3.1 and 3.16 both accept (checked against their source: test/keras/keras3-layer-args.json;
// 3.0 lacks AlphaDropout).
export const KERAS_VERSION = "3.1.0";

export { toSnakeCase };

type Json = Record<string, unknown>;

const kerasObject = (module: string, className: string, config: unknown): Json => ({
  module,
  class_name: className,
  config,
  registered_name: null,
});

/** Initializers, regularizers and constraints: tfjs's {class_name, config} → Keras 3's wrapper. */
function nested(module: string, v: unknown): unknown {
  if (v === null || v === undefined || typeof v === "string") return v ?? null;
  const o = v as { class_name: string; config?: Json };
  return kerasObject(module, o.class_name, o.config ?? {});
}

const INITIALIZER = /_initializer$/;
const REGULARIZER = /_regularizer$/;
const CONSTRAINT = /_constraint$/;

// Constructor arguments per class (besides name, trainable, dtype), as Keras 3 names them.
const INIT = (p: string) => [`${p}_initializer`, `${p}_regularizer`, `${p}_constraint`];
const CONV = ["kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "use_bias"];
const BIAS = INIT("bias");
const POOL = ["pool_size", "strides", "padding", "data_format"];
const NORM = ["axis", "epsilon", "center", "scale", ...INIT("beta"), ...INIT("gamma")];
const KEYS: Record<string, string[]> = {
  Dense: ["units", "activation", "use_bias", ...INIT("kernel"), ...BIAS],
  Conv1D: ["filters", ...CONV, "groups", ...INIT("kernel"), ...BIAS],
  Conv2D: ["filters", ...CONV, "groups", ...INIT("kernel"), ...BIAS],
  Conv2DTranspose: ["filters", ...CONV, ...INIT("kernel"), ...BIAS],
  DepthwiseConv2D: ["depth_multiplier", ...CONV, ...INIT("depthwise"), ...BIAS],
  SeparableConv2D: ["filters", "depth_multiplier", ...CONV, ...INIT("depthwise"), ...INIT("pointwise"), ...BIAS],
  MaxPooling1D: POOL,
  MaxPooling2D: POOL,
  AveragePooling1D: POOL,
  AveragePooling2D: POOL,
  GlobalMaxPooling1D: ["data_format", "keepdims"],
  GlobalMaxPooling2D: ["data_format", "keepdims"],
  GlobalAveragePooling1D: ["data_format", "keepdims"],
  GlobalAveragePooling2D: ["data_format", "keepdims"],
  Flatten: ["data_format"],
  Reshape: ["target_shape"],
  Permute: ["dims"],
  Dropout: ["rate", "noise_shape", "seed"],
  AlphaDropout: ["rate", "noise_shape", "seed"],
  GaussianDropout: ["rate", "seed"],
  GaussianNoise: ["stddev", "seed"],
  Activation: ["activation"],
  ReLU: ["max_value", "negative_slope", "threshold"],
  LeakyReLU: ["negative_slope"],
  ELU: ["alpha"],
  Softmax: ["axis"],
  PReLU: [...INIT("alpha"), "shared_axes"],
  BatchNormalization: ["momentum", ...NORM, "moving_mean_initializer", "moving_variance_initializer"],
  LayerNormalization: NORM,
  ZeroPadding2D: ["padding", "data_format"],
  Cropping2D: ["cropping", "data_format"],
  UpSampling2D: ["size", "data_format", "interpolation"],
};

function checkActivation(l: ExportLayer, v: unknown): void {
  // tfjs's hard_sigmoid (Keras 2's) is clip(0.2·x + 0.5); Keras 3 redefined it as clip(x/6 + 0.5).
  if (v === "hard_sigmoid")
    throw new UnsupportedLayerError(
      "keras",
      l,
      "its hard_sigmoid is TensorFlow.js's (and Keras 2's) clip(0.2·x + 0.5, 0, 1), which Keras 3 redefined as clip(x/6 + 0.5, 0, 1)",
    );
}

/** One layer's config.json entry, or an UnsupportedLayerError. */
export function kerasLayerConfig(l: ExportLayer): Json {
  let className = l.className;
  let c: Json = { ...l.config };
  // tfjs (like Keras 2) calls LeakyReLU's slope alpha; Keras 3 calls it negative_slope.
  if (className === "LeakyReLU") c = { negative_slope: c.alpha ?? 0.3 };
  else if (className === "ThresholdedReLU") {
    // Keras 3 dropped ThresholdedReLU; ReLU(threshold=θ) is the same function except exactly at x = θ.
    className = "ReLU";
    c = { max_value: null, negative_slope: 0, threshold: c.theta ?? 1 };
  }
  const keys = KEYS[className];
  if (!keys && className !== "SpatialDropout1D") throw new UnsupportedLayerError("keras", l);
  const config: Json = { name: l.name };
  if (className === "SpatialDropout1D") {
    // Its constructor takes only rate, seed, name and dtype (no trainable).
    Object.assign(config, { rate: c.rate, seed: c.seed ?? null, dtype: "float32" });
  } else {
    config.trainable = l.config.trainable !== false;
    config.dtype = "float32";
    for (const k of keys ?? []) {
      if (!(k in c)) continue;
      const v = c[k];
      if (k === "activation") checkActivation(l, v);
      config[k] = INITIALIZER.test(k)
        ? nested("keras.initializers", v)
        : REGULARIZER.test(k)
          ? nested("keras.regularizers", v)
          : CONSTRAINT.test(k)
            ? nested("keras.constraints", v)
            : v;
    }
  }
  return {
    ...kerasObject("keras.layers", className, config),
    build_config: { input_shape: [null, ...l.inputShape] },
  };
}

/** config.json: the Sequential, as `serialize_keras_object` writes it. */
export function kerasConfig(m: ExportModel): Json {
  const names = new Set(m.layers.map((l) => l.name));
  let inputName = "input_layer";
  for (let i = 1; names.has(inputName); i++) inputName = `input_layer_${i}`;
  const batchShape = [null, ...m.inputShape];
  const input = kerasObject("keras.layers", "InputLayer", {
    batch_shape: batchShape,
    dtype: "float32",
    sparse: false,
    name: inputName,
  });
  return {
    ...kerasObject("keras", "Sequential", {
      name: m.name,
      trainable: true,
      dtype: "float32",
      layers: [input, ...m.layers.map(kerasLayerConfig)],
      build_input_shape: batchShape,
    }),
    build_config: { input_shape: batchShape },
  };
}

/** The h5 paths `_save_state` gives each layer's variables: layers/<snake class>[_n]/vars. */
export function kerasWeightPaths(layerConfigs: { class_name: string }[]): string[] {
  const used = new Map<string, number>();
  return layerConfigs.map((l) => {
    const base = toSnakeCase(l.class_name);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return `layers/${n === undefined ? base : `${base}_${n + 1}`}/vars`;
  });
}

async function writeWeightsH5(m: ExportModel, layerConfigs: Json[]): Promise<Uint8Array> {
  await h5wasm.ready;
  // h5wasm's Node build writes through the real filesystem.
  const dir = mkdtempSync(join(tmpdir(), "catwalk-keras-"));
  const path = join(dir, "model.weights.h5");
  try {
    const f = new h5wasm.File(path, "w");
    try {
      f.create_group("vars").create_attribute("name", m.name);
      const paths = kerasWeightPaths(layerConfigs as { class_name: string }[]);
      m.layers.forEach((l, i) => {
        const [layers, key] = paths[i].split("/");
        const parent = f.get(layers) ?? f.create_group(layers);
        const vars = (parent as InstanceType<typeof h5wasm.Group>).create_group(key).create_group("vars");
        vars.create_attribute("name", l.name);
        l.weights.forEach((w, j) => {
          vars.create_dataset({ name: String(j), data: w.data, shape: w.shape, dtype: "<f" });
        });
      });
    } finally {
      f.close();
    }
    return new Uint8Array(readFileSync(path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kerasDate = (d: Date) => d.toISOString().slice(0, 19).replace("T", "@");

/** The `.keras` file for a saved model (keras.saving.load_model reads it), or an UnsupportedLayerError. */
export async function exportKeras(saved: SavedModel): Promise<Uint8Array> {
  refuseGraph(saved, "keras");
  const m = await exportLayers(saved);
  const config = kerasConfig(m);
  const layerConfigs = ((config.config as Json).layers as Json[]).slice(1);
  const h5 = await writeWeightsH5(m, layerConfigs);
  const created = new Date(saved.metadata.createdAt);
  const mtime = new Date(Math.max(created.getTime(), Date.UTC(1980, 0, 2)));
  const metadata = {
    keras_version: KERAS_VERSION,
    date_saved: kerasDate(created),
    // Not Keras's: where the file came from.
    saved_by: `Catwalk trainer ${TRAINER_VERSION} (trained in TensorFlow.js)`,
  };
  return zipSync({
    "metadata.json": [strToU8(JSON.stringify(metadata)), { mtime }],
    "config.json": [strToU8(JSON.stringify(config)), { mtime }],
    "model.weights.h5": [h5, { mtime, level: 0 }],
  });
}
