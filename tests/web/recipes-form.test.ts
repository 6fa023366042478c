import { describe, expect, it } from "vitest";
import { fromTrainingConfig, toTrainingInput } from "@/components/builder/training-form";
import { parseTrainingConfig } from "@/trainer/arch";

// The submit form's recipes round-trip through the trainer's schema: what a preset or a pasted
// config holds is what the form shows and sends back, and a config without recipes sends none.

const parse = (input: unknown) => {
  const r = parseTrainingConfig(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
};

describe("training form recipes", () => {
  it("a config without recipes sends no recipe fields", () => {
    const input = toTrainingInput(fromTrainingConfig(parse({})));
    for (const key of ["labelSmoothing", "augmentation", "lrSchedule", "reduceLrOnPlateau", "weightDecay"])
      expect(input).not.toHaveProperty(key);
  });

  it("round-trips every recipe the form offers", () => {
    const config = parse({
      optimizer: "adamw",
      weightDecay: 0.01,
      labelSmoothing: 0.1,
      augmentation: { randomTranslation: 2, randomFlip: "horizontal", randomErasing: { factor: 0.25 } },
      lrSchedule: { type: "oneCycle", pctStart: 0.25 },
    });
    expect(parse(toTrainingInput(fromTrainingConfig(config)))).toEqual(config);
    const plateau = parse({ reduceLrOnPlateau: { factor: 0.5, patience: 3 } });
    expect(parse(toTrainingInput(fromTrainingConfig(plateau)))).toEqual(plateau);
    const step = parse({ optimizer: "sgd", lrSchedule: { type: "step", every: 5, factor: 0.5 } });
    expect(parse(toTrainingInput(fromTrainingConfig(step)))).toEqual(step);
    const cosine = parse({ lrSchedule: { type: "cosine", warmupEpochs: 1 } });
    expect(parse(toTrainingInput(fromTrainingConfig(cosine)))).toEqual(cosine);
  });

  it("a bad value reaches the trainer's schema, which names the field", () => {
    const values = { ...fromTrainingConfig(parse({})), labelSmoothing: "0.9" };
    const r = parseTrainingConfig(toTrainingInput(values));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.field).toBe("labelSmoothing");
  });
});
