import { describe, expect, it } from "vitest";
import { traitsOfArchitecture } from "@/lib/server/services/analytics/traits";
import { getPreset, parseArchitecture, summarize } from "@/trainer/arch";

describe("model traits for class analytics", () => {
  it("the report's CNN: the builder summary's FLOPs, four weighted layers, no dropout", () => {
    const cnn = getPreset("report-cnn")!.architecture;
    const parsed = parseArchitecture(cnn);
    if (!parsed.ok) throw new Error("the preset does not parse");
    expect(traitsOfArchitecture(cnn)).toEqual({
      flops: summarize(parsed.model).flopsPerSample,
      depth: 4,
      maxDropout: 0,
    });
  });

  it("the largest dropout rate of any dropout layer; pooling and flatten add no depth", () => {
    const model = {
      layers: [
        { type: "Conv2D", filters: 4, kernelSize: 3, inputShape: [28, 28, 1] },
        { type: "MaxPooling2D", poolSize: 2 },
        { type: "Dropout", rate: 0.1 },
        { type: "Flatten" },
        { type: "Dense", units: 16, activation: "relu" },
        { type: "Dropout", rate: 0.4 },
        { type: "Dense", units: 10, activation: "softmax" },
      ],
    };
    expect(traitsOfArchitecture(model)).toMatchObject({ depth: 3, maxDropout: 0.4 });
  });

  it("null for an architecture that no longer parses", () => {
    expect(traitsOfArchitecture({ layers: [{ type: "NoSuchLayer" }] })).toBeNull();
  });
});
