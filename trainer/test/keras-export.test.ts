// The Keras 3 `.keras` export. Keras itself can't be installed here (no PyPI), so the file is
// checked two ways: read back with h5wasm against the layout keras/src/saving/saving_lib.py
// writes, and — where Debian's python3-h5py is installed — read by h5py the way Keras's loader
// walks it, then run in numpy and compared with tfjs (helpers/keras_reference.py).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  exportKeras,
  type FashionMnist,
  keras,
  loadFashionMnist,
  loadModel,
  predictProbabilities,
  type SavedModel,
  selectBackend,
  sequential,
  toSnakeCase,
  UnsupportedLayerError,
} from "..";
import { MERGE_CLASSES, SUPPORTED_LAYERS } from "../arch/layers";
import {
  allLayersImage,
  allLayersSequence,
  argmaxRows,
  bnPoolArchitecture,
  bnPoolTraining,
  h5pyMissing,
  maxAbsDiff,
  PYTHON,
  preset,
  savedUntrained,
  smallSet,
  trainShort,
} from "./helpers/models";

let data: FashionMnist;
let small: FashionMnist;
let cnn: SavedModel;
const dir = mkdtempSync(join(tmpdir(), "keras-export-"));
beforeAll(async () => {
  data = await loadFashionMnist({ subset: "fixture" });
  small = smallSet(data);
  await selectBackend();
  cnn = await trainShort(preset("report-cnn"), small);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, unknown> & { config: Record<string, unknown> & { layers?: Json[] } };

/** The saved model's weights by tfjs name (layer/var), from model.json's manifest and weights.bin. */
function savedWeights(saved: SavedModel): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  let off = 0;
  const bytes = saved.weights.slice();
  for (const w of saved.modelJson.weightsManifest[0].weights) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    out.set(w.name, new Float32Array(bytes.buffer, off, n));
    off += 4 * n;
  }
  return out;
}

describe("Keras export", () => {
  it("writes config.json, metadata.json and model.weights.h5 in Keras 3's own layout", async () => {
    const files = unzipSync(await exportKeras(cnn));
    expect(Object.keys(files)).toEqual(["metadata.json", "config.json", "model.weights.h5"]);
    const meta = JSON.parse(strFromU8(files["metadata.json"]));
    expect(meta.keras_version).toMatch(/^3\./);
    expect(meta.date_saved).toMatch(/^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$/);

    const config = JSON.parse(strFromU8(files["config.json"])) as Json;
    expect(config).toMatchObject({ module: "keras", class_name: "Sequential", registered_name: null });
    expect(config.build_config).toEqual({ input_shape: [null, 28, 28, 1] });
    const layers = config.config.layers!;
    expect(layers[0]).toEqual({
      module: "keras.layers",
      class_name: "InputLayer",
      config: { batch_shape: [null, 28, 28, 1], dtype: "float32", sparse: false, name: "input_layer" },
      registered_name: null,
    });
    expect(layers.slice(1).map((l) => l.class_name)).toEqual([
      "Conv2D",
      "MaxPooling2D",
      "Conv2D",
      "MaxPooling2D",
      "Flatten",
      "Dense",
      "Dense",
    ]);
    for (const l of layers.slice(1)) {
      expect(l).toMatchObject({ module: "keras.layers", registered_name: null });
      // tfjs's and Keras 2's input-shape keys are not Keras 3 constructor arguments.
      expect(Object.keys(l.config)).not.toContain("batch_input_shape");
      expect(l.config.dtype).toBe("float32");
    }
    expect(layers[6].config).toMatchObject({ name: "dense", units: 128, activation: "relu", use_bias: true });
    expect(layers[6].build_config).toEqual({ input_shape: [null, 784] });
    expect((layers[1].config.kernel_initializer as Json).module).toBe("keras.initializers");

    const h5path = join(dir, "cnn.weights.h5");
    writeFileSync(h5path, files["model.weights.h5"]);
    await h5wasm.ready;
    const f = new h5wasm.File(h5path, "r");
    try {
      // Paths from the class names with a counter per name; every layer gets its vars group.
      expect(f.paths().sort()).toEqual(
        [
          "layers",
          ...["conv2d", "conv2d_1", "dense", "dense_1", "flatten", "max_pooling2d", "max_pooling2d_1"].flatMap((n) => [
            `layers/${n}`,
            `layers/${n}/vars`,
          ]),
          ...["conv2d", "conv2d_1", "dense", "dense_1"].flatMap((n) => [`layers/${n}/vars/0`, `layers/${n}/vars/1`]),
          "vars",
        ].sort(),
      );
      const w = savedWeights(cnn);
      const ds = (p: string) => f.get(p) as InstanceType<typeof h5wasm.Dataset>;
      expect(ds("layers/conv2d_1/vars/0").shape).toEqual([2, 2, 64, 16]);
      expect(ds("layers/conv2d_1/vars/0").dtype).toBe("<f");
      expect(Array.from(ds("layers/conv2d_1/vars/0").value as Float32Array)).toEqual(
        Array.from(w.get("conv2d_1/kernel")!),
      );
      expect(Array.from(ds("layers/dense_1/vars/1").value as Float32Array)).toEqual(Array.from(w.get("dense_1/bias")!));
      expect((f.get("layers/dense/vars") as InstanceType<typeof h5wasm.Group>).attrs.name.value).toBe("dense");
      expect((f.get("vars") as InstanceType<typeof h5wasm.Group>).attrs.name.value).toBe("sequential_1");
    } finally {
      f.close();
    }
  });

  it("names weight groups exactly as Keras's naming.to_snake_case does", () => {
    const classes = [
      "Conv2D",
      "MaxPooling2D",
      "BatchNormalization",
      "GlobalAveragePooling2D",
      "Conv2DTranspose",
      "SeparableConv2D",
      "LeakyReLU",
      "PReLU",
      "ReLU",
      "ELU",
      "SpatialDropout1D",
      "UpSampling2D",
    ];
    const ours = classes.map(toSnakeCase);
    expect(ours.slice(0, 7)).toEqual([
      "conv2d",
      "max_pooling2d",
      "batch_normalization",
      "global_average_pooling2d",
      "conv2d_transpose",
      "separable_conv2d",
      "leaky_re_lu",
    ]);
    // The same function in Python's re (any python3 will do), which is what Keras runs.
    const py = spawnSync(
      PYTHON,
      [
        "-c",
        `import re, sys, json
def f(name):
    name = re.sub(r"\\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\\1_\\2", name)
    return re.sub("([a-z])([A-Z])", r"\\1_\\2", name).lower()
print(json.dumps([f(c) for c in json.loads(sys.argv[1])]))`,
        JSON.stringify(classes),
      ],
      { encoding: "utf8" },
    );
    if (py.status === 0) expect(ours).toEqual(JSON.parse(py.stdout));
  });

  it("writes every layer class the trainer accepts with only arguments Keras 3.1 and 3.16 both take", async () => {
    // Read from Keras's source by trainer/scripts/keras-signatures.py.
    const args = JSON.parse(
      readFileSync(join(import.meta.dirname, "keras", "keras3-layer-args.json"), "utf8"),
    ) as Record<string, Record<string, string[]>>;
    const versions = Object.values(args);
    expect(Object.keys(args)).toEqual(["v3.1.0", "v3.16.0"]);
    const takes = (cls: string, key: string) => versions.every((v) => v[cls]?.includes(key));
    const seen = new Set<string>();
    for (const arch of [allLayersImage, allLayersSequence]) {
      const files = unzipSync(await exportKeras(await savedUntrained(arch)));
      const config = JSON.parse(strFromU8(files["config.json"])) as Json;
      for (const l of config.config.layers!) {
        const cls = String(l.class_name);
        seen.add(cls);
        const refused = Object.keys(l.config).filter((k) => !takes(cls, k));
        expect(refused, `${cls} '${String(l.config.name)}'`).toEqual([]);
      }
    }
    // ThresholdedReLU left Keras 3: it is written as ReLU(threshold=θ).
    expect(seen.has("ThresholdedReLU")).toBe(false);
    // Merge layers only exist in graph models, which the Keras writer refuses (graph-train.test.ts).
    const chainLayers = SUPPORTED_LAYERS.filter((c) => c !== "ThresholdedReLU" && !MERGE_CLASSES.has(c));
    expect([...seen].sort()).toEqual([...chainLayers, "InputLayer"].sort());
  });

  it("refuses hard_sigmoid, which Keras 3 redefined, naming the layer", async () => {
    const saved = await trainShort(
      sequential([keras.flatten(), keras.dense(16, "hard_sigmoid"), keras.dense(10, "softmax")], {
        inputShape: [28, 28, 1],
      }),
      small,
    );
    const e = await exportKeras(saved).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnsupportedLayerError);
    expect((e as Error).message).toMatch(
      /^can't export to Keras: layer 'dense' \(Dense\) is not supported: its hard_sigmoid is TensorFlow.js's/,
    );
  });

  const missing = h5pyMissing();
  if (missing) console.warn(`skipping the h5py check of the Keras export: ${missing}`);
  it.skipIf(missing !== null)(
    "loads in h5py the way Keras's loader walks it, and the numpy forward pass matches tfjs (needs python3-h5py)",
    async () => {
      const n = 100;
      const images = join(dir, "images.u8");
      writeFileSync(images, data.test.images.subarray(0, n * 784));
      const models: [string, SavedModel][] = [
        ["report CNN", cnn],
        ["report MLP", await trainShort(preset("report-mlp"), small)],
        ["BN + pooling", await trainShort(bnPoolArchitecture, smallSet(data, 1000), bnPoolTraining)],
      ];
      // Every class the trainer accepts: the variables Keras's loader assigns have the shapes Keras builds.
      for (const arch of [allLayersImage, allLayersSequence]) {
        const file = join(dir, "all.keras");
        writeFileSync(file, await exportKeras(await savedUntrained(arch)));
        const r = spawnSync(PYTHON, [join(import.meta.dirname, "helpers", "keras_reference.py"), file, images, "0"], {
          encoding: "utf8",
        });
        expect(r.stderr, arch.name).toBe("");
        const assigned = JSON.parse(r.stdout).assigned as Record<string, { path: string; shapes: number[][] }>;
        // The sequence model ends in logits: the saved model appends Activation('softmax').
        expect(Object.keys(assigned)).toHaveLength(arch.layers.length + (arch === allLayersSequence ? 1 : 0));
        if (arch === allLayersImage)
          expect(assigned.separable_conv2d).toEqual({
            path: "layers/separable_conv2d",
            shapes: [[3, 3, 4, 1], [1, 1, 4, 4], [4]],
          });
      }
      for (const [label, saved] of models) {
        const file = join(dir, "m.keras");
        writeFileSync(file, await exportKeras(saved));
        const r = spawnSync(
          PYTHON,
          [join(import.meta.dirname, "helpers", "keras_reference.py"), file, images, String(n)],
          {
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        expect(r.stderr, label).toBe("");
        expect(r.status, label).toBe(0);
        const out = JSON.parse(r.stdout) as {
          members: string[];
          datasets: Record<string, { dtype: string }>;
          assigned: Record<string, { path: string; shapes: number[][] }>;
          probabilities: number[][];
        };
        // A model that predicts one class everywhere would make the comparison below weak.
        expect(new Set(argmaxRows(out.probabilities.flat(), n)).size, label).toBeGreaterThan(4);
        expect(out.members).toEqual(["metadata.json", "config.json", "model.weights.h5"]);
        for (const d of Object.values(out.datasets)) expect(d.dtype).toBe("float32");
        const model = await loadModel(saved);
        try {
          const tfjs = await predictProbabilities(model, data.test.images, n);
          const ref = out.probabilities.flat();
          expect(argmaxRows(ref, n), label).toEqual(argmaxRows(tfjs, n));
          expect(maxAbsDiff(ref, tfjs), label).toBeLessThanOrEqual(1e-4);
        } finally {
          model.dispose();
        }
        if (label === "BN + pooling") {
          expect(out.assigned.batch_normalization_1).toEqual({
            path: "layers/batch_normalization_1",
            shapes: [[16], [16], [16], [16]],
          });
          expect(out.assigned.average_pooling2d_1.path).toBe("layers/average_pooling2d_1");
        }
      }
    },
  );
});
