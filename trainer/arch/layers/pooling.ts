import { fieldIssue } from "../errors";
import { prod } from "../shape";
import { channelsLast, needRank, readBool, readEnum, readTuple, windowOut } from "./fields";
import type { LayerSpec } from "./types";

function pool(rank: 1 | 2): LayerSpec {
  return {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, rank + 1, `Pooling${rank}D`);
      const p = readTuple(cfg, "pool_size", rank, { def: 2 });
      const sRaw = cfg.strides;
      const s = sRaw === undefined || sRaw === null ? p : readTuple(cfg, "strides", rank);
      const padding = readEnum(cfg, "padding", ["valid", "same"] as const, "valid");
      const axes = rank === 2 ? ["height", "width"] : ["length"];
      const outSpatial = input.slice(0, rank).map((n, i) => windowOut(n, p[i], s[i], 1, padding, "pool_size", axes[i]));
      const out = [...outSpatial, input[rank]];
      return { out, params: 0, flops: prod(out) * prod(p) };
    },
  };
}

function globalPool(rank: 1 | 2): LayerSpec {
  return {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, rank + 1, `GlobalPooling${rank}D`);
      const keep = readBool(cfg, "keepdims", false);
      if (keep) throw fieldIssue("keepdims", "keepdims=true is not supported by tfjs-layers");
      return { out: [input[rank]], params: 0, flops: prod(input) };
    },
  };
}

export const POOLING_LAYERS: Record<string, LayerSpec> = {
  MaxPooling1D: pool(1),
  AveragePooling1D: pool(1),
  MaxPooling2D: pool(2),
  AveragePooling2D: pool(2),
  GlobalAveragePooling1D: globalPool(1),
  GlobalMaxPooling1D: globalPool(1),
  GlobalAveragePooling2D: globalPool(2),
  GlobalMaxPooling2D: globalPool(2),
};
