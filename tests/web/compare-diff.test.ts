import { describe, expect, it } from "vitest";
import { diffArchitectures, diffLayer, diffTraining, f1Deltas, matrixDifference } from "@/lib/compare/diff";
import { parseArchitecture, parseTrainingConfig } from "@/trainer/arch";

const layersOf = (layers: ({ type: string } & Record<string, unknown>)[]) => {
  const parsed = parseArchitecture({ layers });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.model.layers.map(diffLayer);
};
const config = (input: Record<string, unknown>) => {
  const parsed = parseTrainingConfig(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
};

describe("architecture diff", () => {
  const base = layersOf([
    { type: "Flatten" },
    { type: "Dense", units: 32, activation: "relu" },
    { type: "Dense", units: 10, activation: "softmax" },
  ]);

  it("marks a changed field with both values, and what it changes downstream", () => {
    const other = layersOf([
      { type: "Flatten" },
      { type: "Dense", units: 64, activation: "relu" },
      { type: "Dense", units: 10, activation: "softmax" },
    ]);
    const rows = diffArchitectures(base, other);
    expect(rows.map((r) => r.kind)).toEqual(["same", "changed", "changed"]);
    expect(rows[1]!.changes).toEqual([
      { field: "units", before: "32", after: "64" },
      { field: "output shape", before: "(None, 32)", after: "(None, 64)" },
      { field: "params", before: String(784 * 32 + 32), after: String(784 * 64 + 64) },
      { field: "FLOPs", before: String(2 * 784 * 32), after: String(2 * 784 * 64) },
    ]);
    // The last layer's own config is the same; only its input (and so its params) grew.
    expect(rows[2]!.changes.map((c) => c.field)).toEqual(["params", "FLOPs"]);
  });

  it("shows an inserted layer as added, not as every later layer changed", () => {
    const other = layersOf([
      { type: "Flatten" },
      { type: "Dense", units: 32, activation: "relu" },
      { type: "Dropout", rate: 0.2 },
      { type: "Dense", units: 10, activation: "softmax" },
    ]);
    const rows = diffArchitectures(base, other);
    expect(rows.map((r) => r.kind)).toEqual(["same", "same", "added", "same"]);
    expect(rows[2]!.base).toBeNull();
    expect(rows[2]!.other!.config).toEqual({ rate: 0.2 });
  });

  it("shows a dropped layer as removed, and a layer whose type changed as removed plus added", () => {
    const other = layersOf([
      { type: "Flatten" },
      { type: "Dropout", rate: 0.5 },
      { type: "Dense", units: 10, activation: "softmax" },
    ]);
    const rows = diffArchitectures(base, other);
    expect(rows.map((r) => [r.kind, r.base?.className ?? null, r.other?.className ?? null])).toEqual([
      ["same", "Flatten", "Flatten"],
      ["added", null, "Dropout"],
      ["removed", "Dense", null],
      ["changed", "Dense", "Dense"],
    ]);
  });

  it("compares a field one side leaves out as its default (null)", () => {
    const rows = diffArchitectures(
      layersOf([{ type: "Flatten" }, { type: "Dense", units: 10 }]),
      layersOf([{ type: "Flatten" }, { type: "Dense", units: 10, activation: "softmax" }]),
    );
    expect(rows[1]!.changes).toEqual([{ field: "activation", before: null, after: "softmax" }]);
  });

  it("is all 'same' for identical models, and all added against an empty base", () => {
    expect(diffArchitectures(base, base).every((r) => r.kind === "same" && r.changes.length === 0)).toBe(true);
    expect(diffArchitectures([], base).map((r) => r.kind)).toEqual(["added", "added", "added"]);
  });
});

describe("training diff", () => {
  it("fills in defaults and marks each field that differs from the base, per submission", () => {
    const rows = diffTraining(
      [config({ learningRate: 0.001 }), config({ learningRate: 0.01, batchSize: 64 }), config({}), null],
      0,
    );
    const row = (field: string) => rows.find((r) => r.field === field)!;
    expect(row("learningRate")).toMatchObject({
      values: ["0.001", "0.01", "0.001", null],
      changed: [false, true, false, true],
    });
    expect(row("batchSize")).toMatchObject({ values: ["32", "64", "32", null], changed: [false, true, false, true] });
    expect(row("optimizer")).toMatchObject({
      values: ["adam", "adam", "adam", null],
      changed: [false, false, false, true],
    });
  });

  it("diffs against whichever submission is the base", () => {
    const rows = diffTraining([config({ maxEpochs: 5 }), config({ maxEpochs: 7, earlyStopping: null })], 1);
    expect(rows.find((r) => r.field === "maxEpochs")!.changed).toEqual([true, false]);
    expect(rows.find((r) => r.field === "earlyStopping.patience")).toMatchObject({
      values: ["3", "off"],
      changed: [true, false],
    });
  });
});

describe("confusion-matrix difference and F1 deltas", () => {
  it("is other − base per cell", () => {
    expect(
      matrixDifference(
        [
          [5, 1],
          [2, 4],
        ],
        [
          [4, 2],
          [2, 4],
        ],
      ),
    ).toEqual([
      [-1, 1],
      [0, 0],
    ]);
  });

  it("subtracts F1 per class", () => {
    const d = f1Deltas([{ f1: 0.5 }, { f1: 0.9 }], [{ f1: 0.75 }, { f1: 0.8 }]);
    expect(d[0]).toBeCloseTo(0.25);
    expect(d[1]).toBeCloseTo(-0.1);
  });
});
