// Dense, and the layers that only add noise while training (Keras 2's core layers).
import { fieldIssue } from "../errors";
import { prod } from "../shape";
import { readActivation } from "./activations";
import { readBool, readInt, readNumber } from "./fields";
import type { Config, LayerSpec } from "./types";

const identity = (check?: (cfg: Config) => void): LayerSpec => ({
  infer(input, cfg) {
    check?.(cfg);
    return { out: input, params: 0, flops: 0 };
  },
});

const rate = (cfg: Config) => {
  const r = readNumber(cfg, "rate", { min: 0 });
  if (r >= 1) throw fieldIssue("rate", `must be in [0, 1), got ${r}`);
};

export const CORE_LAYERS: Record<string, LayerSpec> = {
  Dense: {
    infer(input, cfg) {
      if (input.length < 1) throw fieldIssue(null, "Dense needs an input with a feature axis");
      const units = readInt(cfg, "units", { min: 1 });
      const useBias = readBool(cfg, "use_bias", true);
      readActivation(cfg);
      const fin = input[input.length - 1];
      const rows = prod(input.slice(0, -1));
      return {
        out: [...input.slice(0, -1), units],
        params: fin * units + (useBias ? units : 0),
        flops: 2 * rows * fin * units,
      };
    },
  },
  Dropout: identity(rate),
  SpatialDropout1D: identity(rate),
  AlphaDropout: identity(rate),
  GaussianDropout: identity(rate),
  GaussianNoise: identity((cfg) => void readNumber(cfg, "stddev", { min: 0 })),
};
