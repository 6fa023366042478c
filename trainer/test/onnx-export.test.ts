// The ONNX export, run in onnxruntime (a runtime we did not write) against tfjs on the same
// fixture test images: same argmax, probabilities within 1e-4.
import { readFileSync } from "node:fs";
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import {
  exportOnnx,
  type FashionMnist,
  loadFashionMnist,
  loadModel,
  ONNX_OPSET,
  predictProbabilities,
  type SavedModel,
  selectBackend,
  UnsupportedLayerError,
} from "..";
import { graphJson, input, layer, mergeModel } from "./helpers/graphs";
import {
  allLayersImage,
  argmaxRows,
  bnPoolArchitecture,
  bnPoolTraining,
  maxAbsDiff,
  preset,
  savedUntrained,
  smallSet,
  trainShort,
} from "./helpers/models";

const { onnx } = onnxProto;
const N = 100;
let data: FashionMnist;
let small: FashionMnist;
beforeAll(async () => {
  data = await loadFashionMnist({ subset: "fixture" });
  small = smallSet(data);
  await selectBackend();
});

/** Both runtimes' probabilities for the first N test images, pixels / 255 as in training. */
async function bothRuntimes(saved: SavedModel): Promise<{ onnx: Float32Array; tfjs: Float32Array }> {
  const session = await ort.InferenceSession.create(await exportOnnx(saved));
  const x = Float32Array.from(data.test.images.subarray(0, N * 784), (p) => p / 255);
  const out = await session.run({ images: new ort.Tensor("float32", x, [N, ...saved.metadata.inputShape]) });
  await session.release();
  const model = await loadModel(saved);
  try {
    return {
      onnx: out.probabilities.data as Float32Array,
      tfjs: await predictProbabilities(model, data.test.images, N),
    };
  } finally {
    model.dispose();
  }
}

/** Rows whose top two tfjs probabilities are too close for float32 to order them the same everywhere. */
function clearRows(p: Float32Array): number[] {
  const rows: number[] = [];
  for (let i = 0; i < N; i++) {
    const r = Array.from(p.subarray(i * 10, i * 10 + 10)).sort((a, b) => b - a);
    if (r[0] - r[1] > 1e-5) rows.push(i);
  }
  return rows;
}

describe("ONNX export", () => {
  for (const [label, make] of [
    ["the report CNN", () => trainShort(preset("report-cnn"), small)],
    ["the report MLP", () => trainShort(preset("report-mlp"), small)],
    [
      "a BatchNormalization + AveragePooling + GlobalAveragePooling model",
      () => trainShort(bnPoolArchitecture, smallSet(data, 1000), bnPoolTraining),
    ],
  ] as const) {
    it(`runs ${label} in onnxruntime with tfjs's argmax and probabilities within 1e-4`, async () => {
      const r = await bothRuntimes(await make());
      expect(r.onnx).toHaveLength(N * 10);
      expect(argmaxRows(r.onnx, N)).toEqual(argmaxRows(r.tfjs, N));
      expect(maxAbsDiff(r.onnx, r.tfjs)).toBeLessThanOrEqual(1e-4);
      // A model that says one class for everything would make the comparison weak.
      expect(new Set(argmaxRows(r.tfjs, N)).size).toBeGreaterThan(4);
    });
  }

  for (const file of ["keras3-residual.json", "tfkeras2-inception.json", "keras3-dense-residual-subtract.json"]) {
    it(`runs the graph model ${file} (merges, NCHW and NHWC branches) in onnxruntime as tfjs does`, async () => {
      const architecture = readFileSync(new URL(`./keras/${file}`, import.meta.url), "utf8");
      // The inception model is tiny (276 parameters): it needs a few epochs to predict several classes.
      const r = await bothRuntimes(
        await trainShort(
          architecture,
          smallSet(data, 1000),
          file.includes("inception") ? { maxEpochs: 4, learningRate: 0.01 } : {},
        ),
      );
      expect(argmaxRows(r.onnx, N)).toEqual(argmaxRows(r.tfjs, N));
      expect(maxAbsDiff(r.onnx, r.tfjs)).toBeLessThanOrEqual(1e-4);
      expect(new Set(argmaxRows(r.tfjs, N)).size).toBeGreaterThan(4);
    });
  }

  it("matches tfjs on every merge, Concatenates along height and width in either layout, and refuses merges of different ranks", async () => {
    const layers = [
      input("image"),
      layer("Conv2D", "a", ["image"], { filters: 3, kernel_size: 3, padding: "same", activation: "relu" }),
      layer("Conv2D", "b", ["image"], { filters: 3, kernel_size: 1, activation: "tanh" }),
      ...["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"].map((m) =>
        layer(m, m.toLowerCase(), ["a", "b"]),
      ),
      // A Reshape's output is stored NHWC, a conv's NCHW: the merge puts them in one layout.
      layer("Reshape", "same_image", ["image"], { target_shape: [28, 28, 1] }),
      layer("Concatenate", "mixed", ["a", "same_image"]),
      layer("Concatenate", "channels", ["add", "subtract", "multiply", "average", "maximum", "minimum", "mixed"]),
      layer("MaxPooling2D", "pool", ["channels"], { pool_size: 4 }),
      // Both inputs NCHW: Keras's height axis (1) is the stored axis 2, its width (-2) axis 3.
      layer("Concatenate", "tall", ["add", "subtract"], { axis: 1 }),
      layer("Concatenate", "wide", ["tall", "tall"], { axis: -2 }),
      layer("AveragePooling2D", "pool_wide", ["wide"], { pool_size: 4 }),
      layer("Flatten", "flat", ["pool"]),
      layer("Flatten", "flat_wide", ["pool_wide"]),
      layer("Concatenate", "both", ["flat", "flat_wide"]),
      layer("Dense", "out", ["both"], { units: 10, activation: "softmax" }),
    ];
    const saved = await savedUntrained(graphJson("keras3", layers));
    const r = await bothRuntimes(saved);
    expect(maxAbsDiff(r.onnx, r.tfjs)).toBeLessThanOrEqual(1e-5);
    const mixed = await savedUntrained(mergeModel("keras2", "Add", [[2, 3], [3]]));
    await expect(exportOnnx(mixed)).rejects.toThrow(
      "can't export to ONNX: layer 'merge' (Add) is not supported: inputs of different ranks",
    );
  });

  it("matches tfjs on every activation and on strided, dilated and 'same'-padded convolutions and pools", async () => {
    const acts = ["relu6", "elu", "selu", "softplus", "softsign", "sigmoid", "hard_sigmoid", "swish", "mish", "gelu"];
    const conv = await savedUntrained({
      inputShape: [28, 28, 1],
      layers: [
        { type: "Conv2D", filters: 6, kernelSize: 4, strides: 3, padding: "same", activation: "elu" },
        { type: "MaxPooling2D", poolSize: 3, strides: 2, padding: "same" },
        { type: "Conv2D", filters: 5, kernelSize: 3, dilationRate: 2, padding: "same", activation: "sigmoid" },
        { type: "Reshape", targetShape: [25, 5, 1] },
        { type: "Conv2D", filters: 4, kernelSize: [2, 3], padding: "valid", activation: "relu" },
        { type: "AveragePooling2D", poolSize: 3, strides: 1, padding: "same" },
        { type: "BatchNormalization", center: false },
        { type: "Flatten" },
        { type: "Dense", units: 10, activation: "softmax" },
      ],
    });
    const dense = await savedUntrained({
      inputShape: [784],
      layers: [
        ...acts.map((activation) => ({ type: "Dense", units: 12, activation })),
        { type: "Dense", units: 12 },
        { type: "LeakyReLU", alpha: 0.2 },
        { type: "ReLU", maxValue: 0.5 },
        { type: "ELU" },
        { type: "Activation", activation: "tanh" },
        { type: "BatchNormalization" },
        { type: "Dropout", rate: 0.5 },
        { type: "Dense", units: 10, activation: "linear" },
      ],
    });
    for (const saved of [conv, dense]) {
      const r = await bothRuntimes(saved);
      expect(maxAbsDiff(r.onnx, r.tfjs)).toBeLessThanOrEqual(1e-5);
      const rows = clearRows(r.tfjs);
      expect(rows.length).toBeGreaterThan(50);
      const [a, b] = [argmaxRows(r.onnx, N), argmaxRows(r.tfjs, N)];
      expect(rows.map((i) => a[i])).toEqual(rows.map((i) => b[i]));
    }
  });

  it("declares opset 13, an NHWC float input like tfjs's, the probabilities output and the class names", async () => {
    const saved = await savedUntrained(preset("report-cnn"));
    const m = onnx.ModelProto.decode(await exportOnnx(saved));
    expect(ONNX_OPSET).toBeGreaterThanOrEqual(13);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([["", ONNX_OPSET]]);
    const dims = (v: {
      type?: {
        tensorType?: { shape?: { dim?: { dimParam?: string | null; dimValue?: unknown }[] | null } | null } | null;
      } | null;
    }) => (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue));
    const graph = m.graph!;
    expect((graph.input ?? []).map((v) => [v.name, dims(v)])).toEqual([["images", ["batch", 28, 28, 1]]]);
    expect((graph.output ?? []).map((v) => [v.name, dims(v)])).toEqual([["probabilities", ["batch", 10]]]);
    const props = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(props.class_names)).toEqual(saved.metadata.classNames);
    expect(Number(props.pixel_scale)).toBe(1 / 255);
  });

  it("refuses a layer it can't express with UnsupportedLayerError, before writing anything", async () => {
    const e = await exportOnnx(await savedUntrained(allLayersImage)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnsupportedLayerError);
    expect((e as Error).message).toBe("can't export to ONNX: layer 'zero_padding2d' (ZeroPadding2D) is not supported");
    expect(e).toMatchObject({ format: "onnx", layerName: "zero_padding2d", className: "ZeroPadding2D" });
    const up = await savedUntrained({
      inputShape: [28, 28, 1],
      layers: [{ type: "UpSampling2D" }, { type: "Flatten" }, { type: "Dense", units: 10, activation: "softmax" }],
    });
    await expect(exportOnnx(up)).rejects.toThrow(
      /^can't export to ONNX: layer 'up_sampling2d' \(UpSampling2D\) is not supported$/,
    );
  });
});
