import { describe, expect, it } from "vitest";
import { fromNormalized, newLayer, toBuilderModel } from "@/components/builder/model";
import { parseArchitecture, presets, summarize } from "@/trainer/arch";

describe("layer builder state ↔ trainer formats", () => {
  it.each(presets.map((p) => [p.id, p] as const))(
    "round-trips preset %s with Keras's parameter count",
    (_id, preset) => {
      const parsed = parseArchitecture(preset.architecture);
      if (!parsed.ok) throw new Error(parsed.errors[0]!.message);
      const builder = fromNormalized(parsed.model)!;
      expect(builder).not.toBeNull();
      const again = parseArchitecture(toBuilderModel(builder.layers, builder.inputShape));
      if (!again.ok) throw new Error(again.errors[0]!.message);
      expect(summarize(again.model).totalParams).toBe(preset.reference.params);
    },
  );

  it("passes what was typed through, so the trainer's validator names the layer and field", () => {
    const conv = newLayer("Conv2D");
    conv.values.kernelSize = "abc";
    const result = parseArchitecture(toBuilderModel([conv, newLayer("Flatten"), newLayer("Dense")], [28, 28, 1]));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject({ layerIndex: 0, field: "kernel_size" });
  });

  it("leaves an empty optional field out (Keras's default applies)", () => {
    const pool = newLayer("MaxPooling2D");
    expect(toBuilderModel([pool], [28, 28, 1]).layers[0]).toEqual({
      type: "MaxPooling2D",
      poolSize: 2,
      padding: "valid",
    });
  });
});
