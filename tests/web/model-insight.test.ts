import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { asProbabilities, type LoadedModel, predictBatch } from "@/components/model/inference";
import { activations, firstLayerFilters, hasConvolutions, MAX_MAPS } from "@/components/model/insight";
import { CLASS_NAMES } from "@/trainer/arch";

// "See what it learned" (components/model/insight.ts) and the browser's prediction path
// (inference.ts) on real tfjs models of the shapes the trainer accepts: convolutional, Dense-only
// on (28, 28) or (784,), 1-D convolutions, depthwise, separable and transposed convolutions,
// batch normalisation. The same code runs in the browser; here tfjs runs on its cpu backend.

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function loaded(model: tf.LayersModel): LoadedModel {
  const inputShape = model.inputs[0]!.shape.slice(1) as number[];
  return { tf, model, inputShape, classNames: [...CLASS_NAMES], metadata: {}, inputScale: 1 };
}

const image = Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 101) / 100);
const softmax = () => tf.layers.dense({ units: 10, activation: "softmax" });

function reportCnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 64, kernelSize: 2, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 2, padding: "same", activation: "tanh" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: "relu" }),
      softmax(),
    ],
  });
}

const isNormalised = (map: Float32Array) => Math.min(...map) === 0 && Math.max(...map) === 1;

describe("what the model learned", () => {
  it("shows the report CNN's 64 filters, four layers of maps and its hidden Dense layer", async () => {
    const model = reportCnn();
    const filters = firstLayerFilters(model)!;
    expect(filters).toMatchObject({ className: "Conv2D", width: 2, height: 2, total: 64, channels: "one" });
    expect(filters.maps).toHaveLength(64);
    expect(filters.maps.every(isNormalised)).toBe(true);

    const layers = await activations(loaded(model), image);
    expect(layers.map((l) => [l.className, l.kind, l.stack.total, l.stack.height, l.stack.width])).toEqual([
      ["Conv2D", "maps", 64, 28, 28],
      ["MaxPooling2D", "maps", 64, 14, 14],
      ["Conv2D", "maps", 16, 14, 14],
      ["MaxPooling2D", "maps", 16, 7, 7],
      ["Dense", "units", 128, 1, 128],
    ]);
    expect(layers.map((l) => l.penultimate)).toEqual([false, false, false, false, true]);
    // Each map on its own scale; the units raw, with a range that includes 0.
    expect(layers[0]!.stack.maps.filter((m) => Math.max(...m) > 0).every(isNormalised)).toBe(true);
    const units = layers[4]!;
    expect(units.range![0]).toBe(0);
    expect(units.range![1]).toBeCloseTo(Math.max(...units.stack.maps[0]!), 5);

    const { probabilities } = await predictBatch(loaded(model), [image, new Float32Array(784)]);
    expect(probabilities).toHaveLength(2);
    for (const p of probabilities) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it("reads filters exactly: one image per filter, several input channels averaged", () => {
    const model = tf.sequential({
      layers: [
        tf.layers.reshape({ inputShape: [28, 28, 1], targetShape: [14, 14, 4] }),
        tf.layers.conv2d({ filters: 2, kernelSize: 2, useBias: false }),
        tf.layers.flatten(),
        softmax(),
      ],
    });
    // kernel[y][x][channel][filter]: filter 0 is 10·(2y + x) + channel, filter 1 its negation.
    const kernel = Float32Array.from({ length: 2 * 2 * 4 * 2 }, (_, i) => {
      const f = i % 2;
      const c = Math.floor(i / 2) % 4;
      const p = Math.floor(i / 8);
      return (f ? -1 : 1) * (10 * p + c);
    });
    model.layers[1]!.setWeights([tf.tensor4d(kernel, [2, 2, 4, 2])]);
    const filters = firstLayerFilters(model)!;
    expect(filters.channels).toBe("mean");
    expect([...filters.maps[0]!].map((v) => Number(v.toFixed(4)))).toEqual([0, 0.3333, 0.6667, 1]);
    expect([...filters.maps[1]!].map((v) => Number(v.toFixed(4)))).toEqual([1, 0.6667, 0.3333, 0]);
  });

  it("says a Dense-only model has no convolutions and still shows its hidden layers, (28, 28) or (784,)", async () => {
    const mlp = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [28, 28] }),
        tf.layers.dense({ units: 128, activation: "tanh" }),
        tf.layers.dense({ units: 64, activation: "sigmoid" }),
        softmax(),
      ],
    });
    expect(hasConvolutions(mlp)).toBe(false);
    expect(firstLayerFilters(mlp)).toBeNull();
    const layers = await activations(loaded(mlp), image);
    expect(layers.map((l) => [l.kind, l.stack.total, l.penultimate])).toEqual([
      ["units", 128, false],
      ["units", 64, true],
    ]);
    // tanh units go below zero: the strip's range does too.
    expect(layers[0]!.range![0]).toBeLessThan(0);

    const flat = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [784], units: 512, activation: "sigmoid" }), softmax()],
    });
    const single = await activations(loaded(flat), image);
    expect(single.map((l) => [l.kind, l.stack.total, l.penultimate])).toEqual([["units", 512, true]]);
    const { probabilities } = await predictBatch(loaded(flat), [image]);
    expect(probabilities[0]).toHaveLength(10);
  });

  it("handles 1-D, depthwise, separable and transposed convolutions and batch normalisation", async () => {
    const conv1d = tf.sequential({
      layers: [tf.layers.conv1d({ inputShape: [28, 28], filters: 8, kernelSize: 3 }), tf.layers.flatten(), softmax()],
    });
    expect(firstLayerFilters(conv1d)).toMatchObject({ className: "Conv1D", width: 3, height: 1, total: 8 });
    const strips = await activations(loaded(conv1d), image);
    expect(strips.map((l) => [l.kind, l.stack.total, l.stack.height, l.stack.width])).toEqual([["maps", 8, 1, 26]]);

    const others = tf.sequential({
      layers: [
        tf.layers.depthwiseConv2d({ inputShape: [28, 28, 1], kernelSize: 3, depthMultiplier: 4 }),
        tf.layers.batchNormalization(),
        tf.layers.separableConv2d({ filters: 6, kernelSize: 3 }),
        tf.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2 }),
        tf.layers.globalAveragePooling2d({}),
        softmax(),
      ],
    });
    expect(firstLayerFilters(others)).toMatchObject({ className: "DepthwiseConv2D", width: 3, height: 3, total: 4 });
    const layers = await activations(loaded(others), image);
    expect(layers.map((l) => [l.className, l.stack.total, l.stack.height])).toEqual([
      ["DepthwiseConv2D", 4, 26],
      ["BatchNormalization", 4, 26],
      ["SeparableConv2D", 6, 24],
      ["Conv2DTranspose", 3, 48],
    ]);
  });

  it("draws at most 64 maps of a layer and says how many it has", async () => {
    const wide = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 100, kernelSize: 3 }),
        tf.layers.flatten(),
        softmax(),
      ],
    });
    const filters = firstLayerFilters(wide)!;
    expect([filters.total, filters.maps.length]).toEqual([100, MAX_MAPS]);
    const [maps] = await activations(loaded(wide), image);
    expect([maps!.stack.total, maps!.stack.maps.length]).toEqual([100, MAX_MAPS]);
  });

  it("turns logits into probabilities and leaves probabilities alone", () => {
    expect(asProbabilities([0.25, 0.75])).toEqual([0.25, 0.75]);
    const p = asProbabilities([2, 1, 0, -1]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(p[0]! / p[1]!).toBeCloseTo(Math.E, 10);
  });
});
