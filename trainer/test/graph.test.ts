// Functional graphs (issue #15): the three JSON dialects, Keras's shape and parameter rules for
// every merge layer, the "Connected to" summary, and the named errors. Expected shapes and counts
// are worked out by hand from Keras's rules (keras/src/layers/merging/*.py), not from our code.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ArchError, formatSummary, parseArchitecture, summarize } from "../arch";
import { type Dialect, graphJson, input, layer, mergeModel } from "./helpers/graphs";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./keras/${name}`, import.meta.url), "utf8"));

function ok(json: unknown) {
  const r = parseArchitecture(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}
function fail(json: unknown): ArchError[] {
  const r = parseArchitecture(json);
  if (r.ok) throw new Error("expected a rejection");
  return r.errors;
}
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

describe("graph models from the three dialects", () => {
  it("Keras 3: a residual block (Conv → Conv → Add with the skip), params as Keras counts them", () => {
    const r = ok(fixture("keras3-residual.json"));
    expect(r.model.sourceFormat).toBe("keras-functional");
    expect(r.model.graph).toEqual({ inputName: "input_layer", inputIndex: 0 });
    const add = r.model.layers.find((l) => l.name === "add")!;
    expect(add).toMatchObject({ inbound: ["conv2d", "conv2d_1"], outputShape: [28, 28, 16], params: 0 });
    expect(add.inputShapes).toEqual([
      [28, 28, 16],
      [28, 28, 16],
    ]);
    const s = summarize(r.model);
    // conv2d 3·3·1·16+16, conv2d_1 3·3·16·16+16, dense 14·14·16·10+10.
    expect(s.totalParams).toBe(160 + 2_320 + 31_370);
    expect(s.rows.map((x) => [x.name, x.connectedTo])).toEqual([
      ["input_layer", []],
      ["conv2d", ["input_layer[0][0]"]],
      ["conv2d_1", ["conv2d[0][0]"]],
      ["add", ["conv2d[0][0]", "conv2d_1[0][0]"]],
      ["activation", ["add[0][0]"]],
      ["max_pooling2d", ["activation[0][0]"]],
      ["flatten", ["max_pooling2d[0][0]"]],
      ["dense", ["flatten[0][0]"]],
    ]);
    const text = formatSummary(s);
    expect(text).toMatch(/Param # +Connected to/);
    expect(text).toMatch(/add \(Add\) +\(None, 28, 28, 16\) +0 +conv2d\[0\]\[0\], conv2d_1\[0\]\[0\]/);
    expect(text).toMatch(/input_layer \(InputLayer\) +\(None, 28, 28, 1\) +0 +-/);
    // The canonical JSON is Keras 2 style Functional, which tfjs and every Keras read.
    expect(r.model.keras.class_name).toBe("Functional");
    expect(r.model.keras.config.layers.find((l) => l.name === "add")?.inbound_nodes).toEqual([
      [
        ["conv2d", 0, 0, {}],
        ["conv2d_1", 0, 0, {}],
      ],
    ]);
    expect(JSON.stringify(r.model.keras)).not.toMatch(/registered_name|__keras_tensor__|build_config/);
  });

  it("tf.keras 2: an inception block (1×1, 3×3 and pool branches concatenated)", () => {
    const r = ok(fixture("tfkeras2-inception.json"));
    const cat = r.model.layers.find((l) => l.name === "concatenate")!;
    expect(cat.outputShape).toEqual([28, 28, 8 + 8 + 1]);
    // conv2d 1·1·1·8+8, conv2d_1 3·3·1·8+8, dense 17·10+10.
    expect(summarize(r.model).totalParams).toBe(16 + 80 + 180);
  });

  it("Keras 2: the Add of two Dense branches that used to be refused as 'only linear models'", () => {
    const r = ok(fixture("keras2-functional-branch.json"));
    expect(summarize(r.model).totalParams).toBe(2 * (784 * 32 + 32) + 32 * 10 + 10);
    expect(r.model.layers.map((l) => l.name)).toEqual(["a", "b", "add", "out"]);
  });

  it("a Functional model that is one chain still becomes the Sequential it always did", () => {
    const r = ok(fixture("keras3-functional.json"));
    expect(r.model.graph).toBeUndefined();
    expect(r.model.keras.class_name).toBe("Sequential");
    expect(r.model.layers.every((l) => l.inbound === undefined)).toBe(true);
    expect(summarize(r.model).rows.every((x) => x.connectedTo === undefined)).toBe(true);
  });

  it("layers listed out of order are put in topological order", () => {
    const json = graphJson(
      "keras2",
      [
        input("in", [784]),
        layer("Dense", "out", ["sum"], { units: 10, activation: "softmax" }),
        layer("Add", "sum", ["a", "b"]),
        layer("Dense", "b", ["in"], { units: 4 }),
        layer("Dense", "a", ["in"], { units: 4 }),
      ],
      { outputs: ["out"] },
    );
    expect(ok(json).model.layers.map((l) => l.name)).toEqual(["b", "a", "sum", "out"]);
  });
});

// [merge, branch shapes, config, expected output shape | error pattern]
const MERGES: [string, number[][], Record<string, unknown>, number[] | RegExp][] = [
  ["Add", [[4], [4]], {}, [4]],
  [
    "Add",
    [
      [2, 3],
      [2, 3],
      [2, 3],
    ],
    {},
    [2, 3],
  ],
  [
    "Add",
    [
      [2, 3],
      [1, 3],
    ],
    {},
    [2, 3],
  ], // a size of 1 broadcasts
  ["Add", [[2, 3], [3]], {}, [2, 3]], // a lower rank gets size-1 axes in front
  [
    "Add",
    [
      [2, 3],
      [3, 2],
    ],
    {},
    /don't match: Add needs equal shapes.*\(None, 2, 3\) and \(None, 3, 2\)/,
  ],
  ["Subtract", [[4], [4]], {}, [4]],
  ["Subtract", [[4], [4], [4]], {}, /Subtract takes exactly 2 inputs, got 3/],
  ["Subtract", [[4], [5]], {}, /don't match: Subtract/],
  [
    "Multiply",
    [
      [3, 4],
      [3, 4],
    ],
    {},
    [3, 4],
  ],
  [
    "Multiply",
    [
      [3, 4],
      [4, 4],
    ],
    {},
    /don't match: Multiply/,
  ],
  [
    "Average",
    [
      [3, 4],
      [3, 4],
      [3, 4],
    ],
    {},
    [3, 4],
  ],
  ["Average", [[3], [4]], {}, /don't match: Average/],
  ["Maximum", [[6], [6]], {}, [6]],
  ["Maximum", [[6], [7]], {}, /don't match: Maximum/],
  [
    "Minimum",
    [
      [2, 2, 3],
      [2, 2, 3],
    ],
    {},
    [2, 2, 3],
  ],
  [
    "Minimum",
    [
      [2, 2, 3],
      [2, 3, 3],
    ],
    {},
    /don't match: Minimum/,
  ],
  [
    "Concatenate",
    [
      [2, 3],
      [2, 5],
    ],
    {},
    [2, 8],
  ],
  [
    "Concatenate",
    [
      [2, 3],
      [4, 3],
      [1, 3],
    ],
    { axis: 1 },
    [7, 3],
  ],
  [
    "Concatenate",
    [
      [2, 3],
      [4, 3],
    ],
    { axis: -2 },
    [6, 3],
  ],
  [
    "Concatenate",
    [
      [2, 3],
      [3, 5],
    ],
    {},
    /Concatenate\(axis=-1\) needs equal sizes on every other axis/,
  ],
  ["Concatenate", [[2, 3], [6]], {}, /Concatenate needs inputs of the same rank/],
  [
    "Concatenate",
    [
      [2, 3],
      [2, 3],
    ],
    { axis: 0 },
    /axis must name a non-batch axis.*got 0/,
  ],
  [
    "Concatenate",
    [
      [2, 3],
      [2, 3],
    ],
    { axis: 3 },
    /axis must name a non-batch axis.*got 3/,
  ],
];

describe.each(["keras2", "keras3"] as Dialect[])("merge layers, %s JSON", (dialect) => {
  it.each(MERGES)("%s of %j %j → %s", (merge, shapes, config, expected) => {
    const json = mergeModel(dialect, merge, shapes, config);
    if (expected instanceof RegExp) {
      const [e] = fail(json);
      expect(e).toMatchObject({ layerName: "merge" });
      expect(e.message).toMatch(expected);
      // The error says which layers feed the merge, and their shapes.
      expect(e.message).toContain(`${merge} 'merge' (inputs 'reshape_0' (None, ${shapes[0].join(", ")})`);
      return;
    }
    const r = ok(json);
    const m = r.model.layers.find((l) => l.name === "merge")!;
    expect(m.outputShape).toEqual(expected);
    expect(m.params).toBe(0);
    const branches = shapes.reduce((a, s) => a + 784 * prod(s) + prod(s), 0);
    expect(summarize(r.model).totalParams).toBe(branches + prod(expected) * 10 + 10);
  });

  it("a merge needs two inputs", () => {
    const json = graphJson(dialect, [
      input("in", [784]),
      layer("Dense", "a", ["in"], { units: 8 }),
      layer("Add", "add", ["a"]),
      layer("Dense", "out", ["add"], { units: 10, activation: "softmax" }),
    ]);
    expect(fail(json)[0].message).toMatch(/Add 'add' \(input 'a' \(None, 8\)\): Add needs at least 2 inputs, got 1/);
  });

  it("a layer that isn't a merge can't take two inputs", () => {
    const json = graphJson(dialect, [
      input("in", [784]),
      layer("Dense", "a", ["in"], { units: 8 }),
      layer("Dense", "b", ["in"], { units: 8 }),
      layer("Dense", "out", ["a", "b"], { units: 10, activation: "softmax" }),
    ]);
    const [e] = fail(json);
    expect(e).toMatchObject({ layerName: "out", layerIndex: 3 });
    expect(e.message).toMatch(
      /Dense 'out' .*takes 2 inputs \('a', 'b'\): only merge layers \(Add, .*Concatenate\) take several/,
    );
  });

  it("names a cycle", () => {
    const json = graphJson(dialect, [
      input("in", [784]),
      layer("Dense", "a", ["in"], { units: 8 }),
      layer("Add", "b", ["a", "c"]),
      layer("Dense", "c", ["b"], { units: 8 }),
      layer("Dense", "out", ["c"], { units: 10, activation: "softmax" }),
    ]);
    const [e] = fail(json);
    expect(e.message).toMatch(/layers '(b|c)' → '(b|c)' → '(b|c)' form a cycle/);
    expect(e.field).toBe("inbound_nodes");
  });

  it("names every layer that is not on a path from the input to the output", () => {
    const json = graphJson(dialect, [
      input("in", [784]),
      layer("Dense", "a", ["in"], { units: 8 }),
      layer("Dense", "dead_end", ["in"], { units: 8 }),
      input("stray", [784]),
      layer("Dense", "b", ["stray"], { units: 8 }),
      layer("Add", "add", ["a", "b"]),
      layer("Dense", "out", ["add"], { units: 10, activation: "softmax" }),
    ]);
    const errors = fail(json);
    expect(errors.map((e) => e.layerName)).toEqual(["dead_end", "stray", "b"]);
    expect(errors[0].message).toMatch(
      /layer 'dead_end' \(Dense\) is not on any path from the input 'in' to the output 'out' \(the output doesn't use it\)/,
    );
    expect(errors[2].message).toMatch(/'b' \(Dense\).*\(it doesn't get the input\)/);
  });

  it("refuses several inputs and several outputs, naming them", () => {
    const layers = [
      input("in_a", [784]),
      input("in_b", [784]),
      layer("Dense", "a", ["in_a"], { units: 8 }),
      layer("Dense", "b", ["in_b"], { units: 8 }),
      layer("Add", "add", ["a", "b"]),
      layer("Dense", "out", ["add"], { units: 10, activation: "softmax" }),
      layer("Dense", "out2", ["add"], { units: 10, activation: "softmax" }),
    ];
    const [e] = fail(graphJson(dialect, layers, { inputs: ["in_a", "in_b"], outputs: ["out"] }));
    expect(e).toMatchObject({ field: "input_layers" });
    expect(e.message).toMatch(/the model has 2 inputs \('in_a', 'in_b'\): exactly one is supported/);
    const [f] = fail(
      graphJson(dialect, layers.slice(0, 2).concat(layers.slice(2)), { inputs: ["in_a"], outputs: ["out", "out2"] }),
    );
    expect(f).toMatchObject({ field: "output_layers" });
    expect(f.message).toMatch(/the model has 2 outputs \('out', 'out2'\): exactly one is supported/);
  });

  it("refuses shared layers and inputs that don't exist", () => {
    const json = graphJson(dialect, [
      input("in", [784]),
      layer("Dense", "a", ["in"], { units: 8 }),
      layer("Dense", "out", ["ghost"], { units: 10, activation: "softmax" }),
    ]);
    expect(fail(json)[0].message).toMatch(/layer 'out' takes its input from 'ghost', which is not defined/);
    const shared = graphJson(dialect, [
      input("in", [784]),
      layer("Dense", "a", ["in"], { units: 784 }),
      layer("Dense", "out", ["a"], { units: 10, activation: "softmax" }),
    ]) as { config: { layers: { name: string; inbound_nodes: unknown[] }[] } };
    const a = shared.config.layers[1];
    a.inbound_nodes = [a.inbound_nodes[0], a.inbound_nodes[0]];
    expect(fail(shared)[0].message).toMatch(/layer 'a' is called 2 times \(shared layers are not supported/);
  });
});

it("a merge layer in a Sequential model is refused: it needs a Functional model's wiring", () => {
  const [e] = fail({ layers: [{ type: "Dense", units: 10 }, { type: "Add" }] });
  expect(e.message).toMatch(
    /Add is a merge layer: it takes a list of two or more inputs, which only a Functional model/,
  );
});

describe("the builder's residual and branch-and-concatenate blocks", () => {
  const blocks = (residual: Record<string, unknown> = {}) => ({
    inputShape: [28, 28, 1],
    layers: [
      { type: "Conv2D", filters: 16, kernelSize: 3, padding: "same", activation: "relu" },
      { type: "ResidualBlock", filters: 16, ...residual },
      { type: "MaxPooling2D", poolSize: 2 },
      { type: "ResidualBlock", filters: 32, shortcut: "conv1x1" },
      { type: "BranchConcatBlock", filters: 8 },
      { type: "GlobalAveragePooling2D" },
      { type: "Dense", units: 10, activation: "softmax" },
    ],
  });

  it("expand into Keras layers with Keras's names, counts and wiring", () => {
    const r = ok(blocks());
    expect(r.model.graph).toEqual({ inputName: "input_layer", inputIndex: 0 });
    const s = summarize(r.model);
    // Per item (by hand): conv 3·3·1·16+16; residual 2·(3·3·16·16+16); residual with projection
    // 3·3·16·32+32 + 3·3·32·32+32 + 1·1·16·32+32; branches 1·1·32·8+8 + 3·3·32·8+8; dense 48·10+10.
    const perItem = [160, 4_640, 0, 4_640 + 9_248 + 544, 264 + 2_312, 0, 490];
    perItem.forEach((p, i) => {
      expect(
        s.rows.filter((row) => row.index === i && row.className !== "InputLayer").reduce((a, row) => a + row.params, 0),
      ).toBe(p);
    });
    expect(s.totalParams).toBe(22_298);
    const by = (name: string) => s.rows.find((row) => row.name === name)!;
    expect(by("add").connectedTo).toEqual(["conv2d[0][0]", "conv2d_2[0][0]"]); // identity shortcut
    expect(by("add_1").connectedTo).toEqual(["conv2d_5[0][0]", "conv2d_4[0][0]"]); // 1×1 projection
    expect(by("concatenate")).toMatchObject({
      outputShape: [null, 14, 14, 8 + 8 + 32],
      connectedTo: ["conv2d_6[0][0]", "conv2d_7[0][0]", "max_pooling2d_1[0][0]"],
    });
    // What the form posts (the canonical Functional JSON) reads back as the same model.
    const again = ok(JSON.parse(JSON.stringify(r.model.keras)));
    expect(summarize(again.model).totalParams).toBe(22_298);
    expect(again.model.layers.map((l) => l.name)).toEqual(r.model.layers.map((l) => l.name));
  });

  it("put a block's errors on its item: a bad setting, and an identity shortcut across a channel change", () => {
    const [bad] = fail(blocks({ shortcut: "maybe" }));
    expect(bad).toMatchObject({ layerIndex: 1, field: "shortcut" });
    expect(bad.message).toMatch(/ResidualBlock: shortcut must be 'identity' or 'conv1x1', got "maybe"/);
    const [unknown] = fail(blocks({ strides: 2 }));
    expect(unknown).toMatchObject({ layerIndex: 1, field: "strides" });
    const [mismatch] = fail(blocks({ filters: 32 }));
    expect(mismatch).toMatchObject({ layerIndex: 1, layerName: "add" });
    expect(mismatch.message).toMatch(/\(None, 28, 28, 16\) and \(None, 28, 28, 32\) differ/);
  });
});

it("says what to use instead of tf.keras's TFOpLambda (x + y written on Keras tensors)", () => {
  const json = graphJson("keras2", [
    input("in", [784]),
    layer("Dense", "a", ["in"], { units: 8 }),
    layer("Dense", "b", ["in"], { units: 8 }),
    layer("TFOpLambda", "tf.__operators__.add", ["a", "b"], { function: "__operators__.add" }),
    layer("Dense", "out", ["tf.__operators__.add"], { units: 10, activation: "softmax" }),
  ]);
  const [e] = fail(json);
  expect(e).toMatchObject({ layerIndex: 3, field: "class_name" });
  expect(e.message).toMatch(
    /unsupported layer class 'TFOpLambda': it is a TensorFlow op applied directly .*use the Keras layers Add, Concatenate/,
  );
});
