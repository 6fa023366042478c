import { fieldIssue } from "../errors";
import { prod } from "../shape";
import { readActivation } from "./activations";
import { channelsLast, needRank, readBool, readEnum, readInt, readTuple, windowOut } from "./fields";
import type { LayerSpec } from "./types";

function conv(rank: 1 | 2, kind: "conv" | "depthwise" | "separable" | "transpose"): LayerSpec {
  return {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, rank + 1, kind === "conv" ? `Conv${rank}D` : kind);
      const k = readTuple(cfg, "kernel_size", rank);
      const s = readTuple(cfg, "strides", rank, { def: 1 });
      const d = readTuple(cfg, "dilation_rate", rank, { def: 1 });
      if (s.some((x) => x > 1) && d.some((x) => x > 1)) {
        throw fieldIssue("dilation_rate", "strides > 1 together with dilation_rate > 1 is not supported");
      }
      const padding = readEnum(cfg, "padding", ["valid", "same"] as const, "valid");
      const useBias = readBool(cfg, "use_bias", true);
      readActivation(cfg);
      const groups = readInt(cfg, "groups", { min: 1, def: 1 });
      if (groups !== 1) throw fieldIssue("groups", "grouped convolutions are not supported by tfjs-layers");
      const cin = input[rank];
      const spatial = input.slice(0, rank);
      const axes = rank === 2 ? ["height", "width"] : ["length"];
      let outSpatial: number[];
      if (kind === "transpose") {
        // Keras's deconv_output_length (and tfjs's): 'valid' adds only what of the kernel sticks out
        // past the stride, so a kernel smaller than the stride still gives n × stride.
        outSpatial = spatial.map((n, i) => {
          const kd = k[i]! + (k[i]! - 1) * (d[i]! - 1);
          return padding === "same" ? n * s[i]! : n * s[i]! + Math.max(kd - s[i]!, 0);
        });
      } else {
        outSpatial = spatial.map((n, i) => windowOut(n, k[i], s[i], d[i], padding, "kernel_size", axes[i]));
      }
      const kk = prod(k);
      const outPositions = prod(outSpatial);
      if (kind === "depthwise") {
        const dm = readInt(cfg, "depth_multiplier", { min: 1, def: 1 });
        const cout = cin * dm;
        return {
          out: [...outSpatial, cout],
          params: kk * cin * dm + (useBias ? cout : 0),
          flops: 2 * outPositions * kk * cout,
        };
      }
      const filters = readInt(cfg, "filters", { min: 1 });
      if (kind === "separable") {
        const dm = readInt(cfg, "depth_multiplier", { min: 1, def: 1 });
        const params = kk * cin * dm + cin * dm * filters + (useBias ? filters : 0);
        return {
          out: [...outSpatial, filters],
          params,
          flops: 2 * outPositions * (kk * cin * dm + cin * dm * filters),
        };
      }
      const params = kk * cin * filters + (useBias ? filters : 0);
      const macs = kind === "transpose" ? prod(spatial) * kk * cin * filters : outPositions * kk * cin * filters;
      return { out: [...outSpatial, filters], params, flops: 2 * macs };
    },
  };
}

export const CONVOLUTION_LAYERS: Record<string, LayerSpec> = {
  Conv1D: conv(1, "conv"),
  Conv2D: conv(2, "conv"),
  Conv2DTranspose: conv(2, "transpose"),
  DepthwiseConv2D: conv(2, "depthwise"),
  SeparableConv2D: conv(2, "separable"),
};
