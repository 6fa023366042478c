import { describe, expect, it } from "vitest";
import { type BuilderState, builderReducer, initialBuilderState } from "@/components/builder/builder-state";
import { newLayer, toBuilderModel } from "@/components/builder/model";
import { getPreset, parseArchitecture, summarize } from "@/trainer/arch";

// The submission builder's reducer: the one place its state changes. Driven here with the
// trainer's own presets and parser, as the page drives it.

const cnn = getPreset("report-cnn")!;
const start = (): BuilderState => initialBuilderState({ architecture: cnn.architecture, training: cnn.training });
const types = (s: BuilderState) => s.layers.map((l) => l.type);

describe("builder reducer", () => {
  it("opens a preset the builder has a form for as layers, with the preset's parameter count", () => {
    const s = start();
    expect(s.mode).toBe("builder");
    const parsed = parseArchitecture(toBuilderModel(s.layers, s.inputShape));
    if (!parsed.ok) throw new Error(parsed.errors[0]!.message);
    expect(summarize(parsed.model).totalParams).toBe(cnn.reference.params);
  });

  it("opens what the builder cannot show as JSON, keeping the text", () => {
    const odd = { class_name: "Sequential", config: { layers: [{ class_name: "GaussianNoise", config: {} }] } };
    const s = initialBuilderState({ architecture: odd, training: cnn.training });
    expect(s.mode).toBe("json");
    expect(JSON.parse(s.json)).toEqual(odd);
  });

  it("moves, removes and adds layers, announcing each change, and ignores moves past either end", () => {
    let s = start();
    const before = types(s);
    expect(builderReducer(s, { type: "moveLayer", index: 0, delta: -1 })).toBe(s);
    expect(builderReducer(s, { type: "moveLayer", index: before.length - 1, delta: 1 })).toBe(s);
    s = builderReducer(s, { type: "moveLayer", index: 0, delta: 1 });
    expect(types(s).slice(0, 2)).toEqual([before[1], before[0]]);
    expect(s.announcement).toBe(`${before[0]} moved to position 2 of ${before.length}.`);
    s = builderReducer(s, { type: "removeLayer", index: 0 });
    expect(s.layers).toHaveLength(before.length - 1);
    expect(s.announcement).toBe(`${before[1]} layer removed.`);
    s = builderReducer(s, { type: "addLayer", layer: newLayer("Dropout") });
    expect(types(s).at(-1)).toBe("Dropout");
    expect(s.announcement).toBe(`Dropout layer added at position ${before.length}.`);
  });

  it("edits one layer by its id, whatever its position", () => {
    let s = start();
    const target = s.layers[2]!;
    s = builderReducer(s, { type: "moveLayer", index: 2, delta: -1 });
    s = builderReducer(s, { type: "editLayer", id: target.id, key: "units", value: "7" });
    expect(s.layers.find((l) => l.id === target.id)!.values.units).toBe("7");
    expect(s.layers.filter((l) => l.values.units === "7")).toHaveLength(1);
  });

  it("loads a preset's layers and training but keeps a name the student typed", () => {
    const mlp = getPreset("report-mlp")!;
    const parsed = parseArchitecture(mlp.architecture);
    if (!parsed.ok) throw new Error(parsed.errors[0]!.message);
    let s = builderReducer(start(), { type: "setName", name: "my try" });
    s = builderReducer(s, { type: "loadPreset", preset: mlp, model: null });
    expect(s).toMatchObject({ mode: "json", name: "my try", announcement: `Loaded preset ${mlp.name}.` });
    expect(JSON.parse(s.json)).toEqual(mlp.architecture);
    const blank = builderReducer({ ...start(), name: "" }, { type: "loadPreset", preset: mlp, model: null });
    expect(blank.name).toBe(mlp.name);
  });
});
