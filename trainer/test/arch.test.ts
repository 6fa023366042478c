import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type ArchError,
  formatSummary,
  getPreset,
  keras,
  parseArchitecture,
  parseTrainingConfig,
  presets,
  sequential,
  summarize,
} from "../arch";
import { layer } from "../arch/keras";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./keras/${name}`, import.meta.url), "utf8"));

function ok(json: unknown) {
  const r = parseArchitecture(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}
function fail(json: unknown, opts?: Parameters<typeof parseArchitecture>[1]): ArchError[] {
  const r = parseArchitecture(json, opts);
  if (r.ok) throw new Error("expected a rejection");
  return r.errors;
}
const cnn = () => structuredClone(getPreset("report-cnn")!.architecture);

describe("summary: parameter counts equal Keras", () => {
  it("report MLP = 109,386 and report CNN = 106,202, with Keras output shapes", () => {
    const mlp = summarize(ok(getPreset("report-mlp")!.architecture).model);
    expect(mlp.totalParams).toBe(109_386);
    expect(mlp.rows.map((r) => r.params)).toEqual([0, 100_480, 8_256, 650]);
    const c = summarize(ok(cnn()).model);
    expect(c.totalParams).toBe(106_202);
    expect(c.trainableParams).toBe(106_202);
    expect(c.nonTrainableParams).toBe(0);
    expect(c.rows.map((r) => r.outputShape)).toEqual([
      [null, 28, 28, 64],
      [null, 14, 14, 64],
      [null, 14, 14, 16],
      [null, 7, 7, 16],
      [null, 784],
      [null, 128],
      [null, 10],
    ]);
    expect(c.rows.map((r) => r.params)).toEqual([320, 0, 4_112, 0, 0, 100_480, 1_290]);
    // conv1 2·(28·28·4·64) + conv2 2·(14·14·256·16) + dense 2·(784·128 + 128·10) + pooling/etc.
    expect(c.flopsPerSample).toBeGreaterThan(2_200_000);
    expect(c.flopsPerSample).toBeLessThan(2_400_000);
  });
  it("sizes Conv2DTranspose as Keras does, also when the kernel is smaller than the stride", () => {
    const out = (kernel: number, strides: number, padding: string) => {
      const m = ok(
        sequential(
          [
            { class_name: "Conv2DTranspose", config: { filters: 1, kernel_size: kernel, strides, padding } },
            keras.flatten(),
            keras.dense(10, "softmax"),
          ],
          { inputShape: [28, 28, 1] },
        ),
      ).model;
      return m.layers[0]!.outputShape;
    };
    // deconv_output_length: valid → n·s + max(k − s, 0); same → n·s.
    expect(out(1, 2, "valid")).toEqual([56, 56, 1]);
    expect(out(3, 2, "valid")).toEqual([57, 57, 1]);
    expect(out(2, 2, "valid")).toEqual([56, 56, 1]);
    expect(out(3, 1, "valid")).toEqual([30, 30, 1]);
    expect(out(3, 2, "same")).toEqual([56, 56, 1]);
  });
  it("counts BatchNormalization moving statistics as non-trainable, like Keras", () => {
    const s = summarize(
      ok(
        sequential([keras.conv2d(8, 3), keras.batchNorm(), keras.flatten(), keras.dense(10, "softmax")], {
          inputShape: [28, 28, 1],
        }),
      ).model,
    );
    expect(s.rows[1].params).toBe(32);
    expect(s.nonTrainableParams).toBe(16);
    expect(s.totalParams).toBe(80 + 32 + 26 * 26 * 8 * 10 + 10);
  });
  it("counts a frozen layer as non-trainable", () => {
    const j = cnn();
    j.config.layers[0].config.trainable = false;
    const s = summarize(ok(j).model);
    expect(s.nonTrainableParams).toBe(320);
    expect(s.trainableParams).toBe(106_202 - 320);
  });
  it("formats a Keras-style table", () => {
    const text = formatSummary(summarize(ok(cnn()).model));
    expect(text).toContain('Model: "sequential_1"');
    expect(text).toMatch(/conv2d \(Conv2D\)\s+\(None, 28, 28, 64\)\s+320/);
    expect(text).toContain("Total params: 106,202");
    expect(text).toContain("Non-trainable params: 0");
  });
});

describe("Keras JSON variants", () => {
  it("reads tf.keras 2 Sequential with an InputLayer", () => {
    const r = ok(fixture("tfkeras2-cnn.json"));
    expect(r.model.inputShape).toEqual([28, 28, 1]);
    expect(summarize(r.model).totalParams).toBe(106_202);
    expect(r.model.layers[0].index).toBe(1); // index in the submitted list, InputLayer is 0
    expect(r.model.keras.config.layers[0].config.batch_input_shape).toEqual([null, 28, 28, 1]);
  });
  it("normalises Keras 3 batch_shape, DTypePolicy and module/registered_name", () => {
    const r = ok(fixture("keras3-mlp.json"));
    expect(r.model.inputShape).toEqual([28, 28]);
    expect(summarize(r.model).totalParams).toBe(109_386);
    expect(r.notes.join(" ")).toMatch(/28, 28\)/);
    const dense = r.model.keras.config.layers[1].config;
    expect(dense.dtype).toBe("float32");
    expect(dense.kernel_initializer).toEqual({ class_name: "GlorotUniform", config: { seed: null } });
    expect(JSON.stringify(r.model.keras)).not.toMatch(/registered_name|"module"|batch_shape/);
  });
  it("reads a linear Keras 3 Functional model and a flat 784 input", () => {
    const r = ok(fixture("keras3-functional.json"));
    expect(r.model.sourceFormat).toBe("keras-functional");
    expect(r.model.inputShape).toEqual([784]);
    expect(r.notes.join(" ")).toMatch(/784/);
    expect(summarize(r.model).totalParams).toBe(784 * 128 + 128 + 1290);
  });
  it("reads a branching Functional model as a graph (graph.test.ts has the rest)", () => {
    const r = ok(fixture("keras2-functional-branch.json"));
    expect(r.model.graph).toEqual({ inputName: "input_1", inputIndex: 0 });
    expect(r.model.layers.find((l) => l.name === "add")).toMatchObject({ index: 3, inbound: ["a", "b"] });
  });
  it("accepts the builder format and old Keras aliases", () => {
    const r = ok({
      layers: [
        { type: "Convolution2D", filters: 8, kernelSize: 3, activation: "relu" },
        { type: "MaxPool2D" },
        { type: "Flatten" },
        { type: "Dense", units: 10, activation: "softmax" },
      ],
    });
    expect(r.model.sourceFormat).toBe("builder");
    expect(r.model.layers.map((l) => l.name)).toEqual(["conv2d", "max_pooling2d", "flatten", "dense"]);
    expect(r.model.layers[1].outputShape).toEqual([13, 13, 8]);
    expect(r.notes.join(" ")).toMatch(/assuming \(None, 28, 28, 1\)/);
  });
  it("parses JSON text and every preset", () => {
    expect(ok(JSON.stringify(cnn())).model.layers).toHaveLength(7);
    for (const p of presets) expect(summarize(ok(p.architecture).model).totalParams).toBe(p.reference.params);
  });
});

describe("named errors", () => {
  it("unknown layer class: lists every one and the supported classes", () => {
    const j = cnn();
    j.config.layers[1] = { class_name: "Lambda", config: { name: "lam" } };
    j.config.layers[3] = { class_name: "Frobnicate", config: { name: "frob" } };
    const errs = fail(j);
    expect(errs).toHaveLength(2);
    expect(errs[0]).toMatchObject({ layerIndex: 1, layerName: "lam", field: "class_name" });
    expect(errs[0].message).toMatch(/Python code/);
    expect(errs[1]).toMatchObject({ layerIndex: 3, layerName: "frob", field: "class_name" });
    expect(errs[1].message).toMatch(/supported: .*Conv2D.*Dense/);
  });
  it("a class name that is a property of every object is an unknown class, not a crash", () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const j = cnn();
      j.config.layers[1] = { class_name: name, config: { name: "odd" } };
      const errs = fail(j);
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatchObject({ layerIndex: 1, layerName: "odd", field: "class_name" });
      expect(errs[0].message).toContain(`unsupported layer class '${name}'`);
    }
  });
  it("kernel larger than the current shape (valid padding)", () => {
    const j = sequential(
      [keras.conv2d(8, 5), keras.maxPool2d(8), keras.conv2d(4, 4), keras.flatten(), keras.dense(10, "softmax")],
      { inputShape: [28, 28, 1] },
    );
    const [e] = fail(j);
    expect(e).toMatchObject({ layerIndex: 2, layerName: "conv2d_1", field: "kernel_size" });
    expect(e.message).toMatch(/window 4 is larger than the height \(3\)/);
  });
  it("pool size too big", () => {
    const [e] = fail(
      sequential([keras.maxPool2d(30), keras.flatten(), keras.dense(10, "softmax")], { inputShape: [28, 28, 1] }),
    );
    expect(e).toMatchObject({ layerIndex: 0, field: "pool_size" });
  });
  it("negative and non-integer sizes", () => {
    const j = cnn();
    j.config.layers[2].config.filters = -16;
    expect(fail(j)[0]).toMatchObject({
      layerIndex: 2,
      layerName: "conv2d_1",
      field: "filters",
      message: expect.stringMatching(/≥ 1, got -16/),
    });
    const j2 = cnn();
    j2.config.layers[5].config.units = 12.5;
    expect(fail(j2)[0]).toMatchObject({ layerIndex: 5, field: "units", message: expect.stringMatching(/integer/) });
  });
  it("wrong number of output units", () => {
    const j = cnn();
    j.config.layers[6].config.units = 12;
    expect(fail(j)[0]).toMatchObject({
      layerIndex: 6,
      layerName: "dense_1",
      field: "units",
      message: expect.stringMatching(/10 class scores.*\(None, 12\)/),
    });
  });
  it("output activation that cannot feed cross-entropy", () => {
    const j = cnn();
    j.config.layers[6].config.activation = "sigmoid";
    expect(fail(j)[0]).toMatchObject({ layerIndex: 6, field: "activation" });
    j.config.layers[6].config.activation = "linear";
    const r = ok(j);
    expect(r.model.output).toBe("logits");
  });
  it("unknown activation names the field", () => {
    const j = cnn();
    j.config.layers[0].config.activation = "leaky_relu";
    expect(fail(j)[0]).toMatchObject({
      layerIndex: 0,
      field: "activation",
      message: expect.stringMatching(/unknown activation 'leaky_relu'/),
    });
  });
  it("an activation named after an object property is unknown, not accepted (it would fail in the worker)", () => {
    for (const name of ["toString", "constructor", "__proto__", "valueOf"]) {
      const j = cnn();
      j.config.layers[0].config.activation = name;
      expect(fail(j)[0]).toMatchObject({
        layerIndex: 0,
        field: "activation",
        message: expect.stringContaining(`unknown activation '${name}'`),
      });
    }
  });
  it("non-finite numbers, in objects and in Python-style JSON text", () => {
    const j = cnn();
    j.config.layers[0].config.filters = Number.POSITIVE_INFINITY;
    expect(fail(j)[0].message).toMatch(/non-finite/);
    const text = JSON.stringify(cnn()).replace('"rate"', '"x"').replace('"units":128', '"units":NaN');
    expect(fail(text)[0].message).toMatch(/non-finite number \(NaN\)/);
  });
  it("input shape that is not 28×28×1 or 784", () => {
    const errs = fail(sequential([keras.flatten(), keras.dense(10, "softmax")], { inputShape: [32, 32, 3] }));
    expect(errs[0]).toMatchObject({
      layerIndex: 0,
      field: "batch_input_shape",
      message: expect.stringMatching(/3072/),
    });
    const cf = fail(sequential([keras.flatten(), keras.dense(10, "softmax")], { inputShape: [1, 28, 28] }));
    expect(cf[0].message).toMatch(/channels-first/);
  });
  it("parameter and FLOP budgets", () => {
    const big = sequential(
      [keras.flatten(), keras.dense(4096, "relu"), keras.dense(2048, "relu"), keras.dense(10, "softmax")],
      { inputShape: [28, 28, 1] },
    );
    const [e] = fail(big);
    expect(e).toMatchObject({ layerIndex: 2, layerName: "dense_1" });
    expect(e.message).toMatch(/11,626,506 parameters, over the budget of 5,000,000/);
    expect(fail(cnn(), { maxFlops: 1_000_000 })[0].message).toMatch(/MFLOPs per image, over the budget of 1.0/);
  });
  it("JSON too large or too deep, and not a model at all", () => {
    expect(fail("x".repeat(2_000_001))[0].message).toMatch(/too large/);
    let deep: unknown = 1;
    for (let i = 0; i < 50; i++) deep = [deep];
    expect(fail({ class_name: "Sequential", config: { layers: deep } })[0].message).toMatch(/nested more than 32/);
    expect(fail({ class_name: "Dense" })[0]).toMatchObject({ field: "class_name" });
    expect(fail("{not json")[0].message).toMatch(/not valid JSON/);
    expect(fail(null)[0].message).toMatch(/expected a JSON object/);
  });
});

describe("training config", () => {
  it("fills sensible defaults", () => {
    const r = parseTrainingConfig({});
    expect(r.ok && r.config).toMatchObject({
      optimizer: "adam",
      learningRate: 0.001,
      batchSize: 32,
      validationSplit: 0.1,
      earlyStopping: { monitor: "val_loss", restoreBestWeights: true },
    });
  });
  it("names bad fields", () => {
    const r = parseTrainingConfig({ optimizer: "lbfgs", batchSize: 0, earlyStopping: { monitor: "loss" } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field).sort()).toEqual(["batchSize", "earlyStopping.monitor", "optimizer"]);
    const r2 = parseTrainingConfig({ learningRate: Number.NaN, extra: 1 });
    expect(r2.ok).toBe(false);
  });
  it("report presets carry the report recipes", () => {
    expect(getPreset("report-mlp")!.training.earlyStopping).toMatchObject({ monitor: "val_loss", patience: 5 });
    expect(getPreset("report-cnn")!.training.earlyStopping).toMatchObject({ monitor: "val_accuracy", patience: 2 });
  });
});

describe("weight regularizers", () => {
  const withReg = (field: string, value: unknown) => {
    const a = structuredClone(getPreset("report-mlp")!.architecture);
    (a.config.layers[1].config as Record<string, unknown>)[field] = value;
    return a;
  };

  it("rewrites Keras's L1, L2 and L1L2 (objects or strings) into tfjs's L1L2 with Keras's defaults", () => {
    const cases: [unknown, { l1: number; l2: number }][] = [
      [
        { module: "keras.regularizers", class_name: "L2", config: { l2: 0.001 }, registered_name: null },
        { l1: 0, l2: 0.001 },
      ],
      [
        { class_name: "L1", config: {} },
        { l1: 0.01, l2: 0 },
      ],
      [
        { class_name: "L1L2", config: { l1: 0.1, l2: 0.2 } },
        { l1: 0.1, l2: 0.2 },
      ],
      ["l2", { l1: 0, l2: 0.01 }],
    ];
    for (const [value, expected] of cases) {
      const r = parseArchitecture(withReg("kernel_regularizer", value));
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.model.layers[1].config.kernel_regularizer).toEqual({ class_name: "L1L2", config: expected });
    }
  });

  it("rejects what training could not apply, naming the layer and the field", () => {
    const [e1] = fail(withReg("kernel_regularizer", { class_name: "OrthogonalRegularizer", config: { factor: 0.01 } }));
    expect(e1).toMatchObject({
      layerIndex: 1,
      field: "kernel_regularizer",
      message: expect.stringMatching(/unsupported regularizer 'OrthogonalRegularizer' \(supported: L1, L2, L1L2\)/),
    });
    const [e2] = fail(withReg("bias_regularizer", { class_name: "L2", config: { l2: -1 } }));
    expect(e2).toMatchObject({
      layerIndex: 1,
      field: "bias_regularizer",
      message: expect.stringMatching(/l2 must be a number ≥ 0/),
    });
    const [e3] = fail(withReg("activity_regularizer", { class_name: "L2", config: { l2: 0.01 } }));
    expect(e3).toMatchObject({
      layerIndex: 1,
      field: "activity_regularizer",
      message: expect.stringMatching(/not supported/),
    });
  });
});

describe("default layer names", () => {
  it("are Keras's (naming.py to_snake_case, numbered per class)", () => {
    const names = sequential(
      [
        layer("Conv2D", { filters: 4, kernelSize: [3, 3] }),
        layer("DepthwiseConv2D", { kernelSize: [3, 3] }),
        layer("Conv2D", { filters: 4, kernelSize: [3, 3] }),
        layer("GlobalAveragePooling2D"),
        layer("Dense", { units: 10 }),
      ],
      { inputShape: [28, 28, 1] },
    ).config.layers.map((l) => l.config.name);
    expect(names).toEqual(["conv2d", "depthwise_conv2d", "conv2d_1", "global_average_pooling2d", "dense"]);
  });
});
