import { prod } from "../shape";
import { lastAxis, readBool, readNumber } from "./fields";
import type { LayerSpec } from "./types";

export const NORMALIZATION_LAYERS: Record<string, LayerSpec> = {
  BatchNormalization: {
    infer(input, cfg) {
      lastAxis(input, cfg, "the channel axis");
      readNumber(cfg, "momentum", { min: 0, max: 1, def: 0.99 });
      readNumber(cfg, "epsilon", { min: 0, def: 0.001, minExclusive: true });
      const c = input[input.length - 1];
      const center = readBool(cfg, "center", true);
      const scale = readBool(cfg, "scale", true);
      const trainable = (center ? c : 0) + (scale ? c : 0);
      return { out: input, params: trainable + 2 * c, nonTrainable: 2 * c, flops: 2 * prod(input) };
    },
  },
  LayerNormalization: {
    infer(input, cfg) {
      lastAxis(input, cfg, "the last axis");
      const c = input[input.length - 1];
      const params = (readBool(cfg, "center", true) ? c : 0) + (readBool(cfg, "scale", true) ? c : 0);
      return { out: input, params, flops: 5 * prod(input) };
    },
  },
};
