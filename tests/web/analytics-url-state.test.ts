import { describe, expect, it } from "vitest";
import { readState, selected, writeState } from "@/components/analytics/url-state";

describe("analytics URL state", () => {
  it("round-trips a view, a cost axis and brushes; defaults stay out of the URL", () => {
    const state = readState(
      new URLSearchParams("view=hyperparameters&x=flops&optimizer=adam,sgd&learningRate=0.0001~0.01&depth=3~1"),
    );
    expect(state).toEqual({
      view: "hyperparameters",
      cost: "flops",
      brushes: { optimizer: ["adam", "sgd"], ranges: { learningRate: [0.0001, 0.01], depth: [1, 3] } },
    });
    expect(writeState(state)).toBe(
      "?view=hyperparameters&x=flops&optimizer=adam,sgd&learningRate=0.0001~0.01&depth=1~3",
    );
    expect(readState(new URLSearchParams(writeState(state).slice(1)))).toEqual(state);
    expect(writeState(readState({}))).toBe("");
  });

  it("a range may be open on either side", () => {
    const state = readState(new URLSearchParams("depth=2~&epochs=~3"));
    expect(state.brushes.ranges).toEqual({
      depth: [2, Number.POSITIVE_INFINITY],
      epochs: [Number.NEGATIVE_INFINITY, 3],
    });
    expect(writeState(state)).toBe("?epochs=~3&depth=2~");
    const run = {
      optimizer: "adam",
      learningRate: 0.001,
      batchSize: 32,
      epochs: 5,
      maxDropout: 0,
      depth: 2,
      accuracy: 0.8,
    };
    expect(selected(run, state.brushes)).toBe(false);
    expect(selected({ ...run, epochs: 3 }, state.brushes)).toBe(true);
    expect(selected({ ...run, epochs: 3, depth: 1 }, state.brushes)).toBe(false);
  });

  it("ignores what it cannot read instead of failing", () => {
    expect(readState({ view: "nope", x: ["time", "flops"], depth: "a~b", optimizer: "<script>", epochs: "~" })).toEqual(
      {
        view: "pareto",
        cost: "time",
        brushes: { ranges: {} },
      },
    );
  });

  it("selects the runs inside every brush", () => {
    const run = {
      optimizer: "adam",
      learningRate: 0.001,
      batchSize: 32,
      epochs: 5,
      maxDropout: 0,
      depth: 2,
      accuracy: 0.8,
    };
    expect(selected(run, { ranges: {} })).toBe(true);
    expect(selected(run, { optimizer: ["sgd"], ranges: {} })).toBe(false);
    expect(selected(run, { ranges: { depth: [2, 4], accuracy: [0.7, 0.9] } })).toBe(true);
    expect(selected(run, { ranges: { epochs: [6, 9] } })).toBe(false);
    expect(selected({ ...run, depth: null }, { ranges: { depth: [0, 9] } })).toBe(false);
  });
});
