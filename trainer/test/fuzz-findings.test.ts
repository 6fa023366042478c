import { beforeAll, describe, expect, it } from "vitest";
import { parseArchitecture } from "../arch";
import { parseSummariseBuild, selectCpuBackend } from "./fuzz/properties";

// Each architecture here was found by the fuzzer (npm run fuzz): it passed validation and then
// failed in TensorFlow.js (so in the worker, after the student had waited in the queue), or it
// crashed the parser, or its summary disagreed with Keras. Pinned so they stay fixed.

beforeAll(selectCpuBackend);

const seq = (layers: unknown[]) => ({ class_name: "Sequential", config: { name: "found", layers } });
const softmax10 = { class_name: "Dense", config: { units: 10, activation: "softmax" } };
const image = [null, 28, 28, 1];

describe("architectures the fuzzer found", () => {
  it.each([
    [
      "Flatten on an already flat input (Keras passes it through)",
      [{ class_name: "Flatten", config: { batch_input_shape: [null, 784] } }, softmax10],
    ],
    [
      "SeparableConv2D (tfjs refuses the kernel initializer Catwalk added)",
      [
        { class_name: "SeparableConv2D", config: { filters: 2, kernel_size: 3, batch_input_shape: image } },
        { class_name: "Flatten", config: {} },
        softmax10,
      ],
    ],
    [
      "DepthwiseConv2D without a depthwise initializer",
      [
        { class_name: "DepthwiseConv2D", config: { kernel_size: 3, batch_input_shape: image } },
        { class_name: "Flatten", config: {} },
        softmax10,
      ],
    ],
    [
      "UpSampling2D with an integer size",
      [
        { class_name: "UpSampling2D", config: { size: 2, batch_input_shape: image } },
        { class_name: "Flatten", config: {} },
        softmax10,
      ],
    ],
    [
      "Cropping2D without cropping (Keras crops nothing)",
      [
        { class_name: "Cropping2D", config: { batch_input_shape: image } },
        { class_name: "Flatten", config: {} },
        softmax10,
      ],
    ],
    [
      "Conv2DTranspose with a kernel smaller than its stride",
      [
        { class_name: "Conv2DTranspose", config: { filters: 1, kernel_size: 1, strides: 2, batch_input_shape: image } },
        { class_name: "Flatten", config: {} },
        softmax10,
      ],
    ],
  ])("%s builds, with the summary's parameter count", async (_what, layers) => {
    expect(await parseSummariseBuild(seq(layers))).toBe("built");
  });

  it("rejects an ELU alpha TensorFlow.js can't run, naming the field", () => {
    const r = parseArchitecture(
      seq([{ class_name: "ELU", config: { alpha: 0.5, batch_input_shape: [null, 784] } }, softmax10]),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ layerIndex: 0, field: "alpha" });
    expect(
      parseArchitecture(seq([{ class_name: "ELU", config: { alpha: 1, batch_input_shape: [null, 784] } }, softmax10]))
        .ok,
    ).toBe(true);
  });

  it("rejects a second InputLayer right after the first, naming it, instead of crashing", () => {
    const r = parseArchitecture(
      seq([
        { class_name: "InputLayer", config: { batch_input_shape: image } },
        { class_name: "InputLayer", config: {} },
      ]),
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors[0]).toMatchObject({
        layerIndex: 1,
        field: "class_name",
        message: "InputLayer is only allowed first",
      });
  });
});
