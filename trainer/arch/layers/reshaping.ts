import { fieldIssue } from "../errors";
import { fmt, prod } from "../shape";
import { channelsLast, checkFinite, isNum, needRank, readTuple } from "./fields";
import type { Config, LayerSpec } from "./types";

/** ZeroPadding2D's `padding` and Cropping2D's `cropping`: an int, (h, w) or ((top, bottom), (left, right)). */
function readSides(cfg: Config, field: string, def: number): [number, number, number, number] {
  const p = cfg[field] ?? def;
  let t: number, b: number, l: number, r: number;
  if (isNum(p)) [t, b, l, r] = [p, p, p, p];
  else if (Array.isArray(p) && p.length === 2 && p.every(isNum)) [t, b, l, r] = [p[0], p[0], p[1], p[1]];
  else if (Array.isArray(p) && p.length === 2 && p.every((x) => Array.isArray(x) && x.length === 2))
    [[t, b], [l, r]] = p as number[][];
  else throw fieldIssue(field, `must be an int, (h, w) or ((top, bottom), (left, right)), got ${JSON.stringify(p)}`);
  for (const x of [t, b, l, r])
    if (!Number.isInteger(x) || x < 0)
      throw fieldIssue(field, `must be non-negative integers, got ${JSON.stringify(p)}`);
  return [t, b, l, r];
}

export const RESHAPING_LAYERS: Record<string, LayerSpec> = {
  Flatten: {
    infer(input, cfg) {
      channelsLast(cfg);
      return { out: [prod(input)], params: 0, flops: 0 };
    },
  },
  Reshape: {
    infer(input, cfg) {
      const t = cfg.target_shape;
      if (!Array.isArray(t) || t.length === 0)
        throw fieldIssue("target_shape", `must be a list of integers, got ${JSON.stringify(t)}`);
      let unknown = -1;
      t.forEach((x, i) => {
        checkFinite("target_shape", x);
        if (!isNum(x) || !Number.isInteger(x) || (x < 1 && x !== -1))
          throw fieldIssue("target_shape", `entries must be positive integers or one -1, got ${JSON.stringify(t)}`);
        if (x === -1) {
          if (unknown >= 0) throw fieldIssue("target_shape", "at most one entry may be -1");
          unknown = i;
        }
      });
      const known = prod((t as number[]).filter((x) => x !== -1));
      const total = prod(input);
      const out = [...(t as number[])];
      if (unknown >= 0) {
        if (total % known !== 0)
          throw fieldIssue("target_shape", `cannot reshape ${total} values into ${JSON.stringify(t)}`);
        out[unknown] = total / known;
      } else if (known !== total) {
        throw fieldIssue(
          "target_shape",
          `cannot reshape ${fmt(input)} (${total} values) into ${fmt(out)} (${known} values)`,
        );
      }
      return { out, params: 0, flops: 0 };
    },
  },
  Permute: {
    infer(input, cfg) {
      const dims = cfg.dims;
      const n = input.length;
      const ok = Array.isArray(dims) && dims.length === n && [...dims].sort().every((d, i) => d === i + 1);
      if (!ok) throw fieldIssue("dims", `must be a permutation of 1..${n}, got ${JSON.stringify(dims)}`);
      return { out: (dims as number[]).map((d) => input[d - 1]), params: 0, flops: 0 };
    },
  },
  ZeroPadding2D: {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, 3, "ZeroPadding2D");
      const [t, b, l, r] = readSides(cfg, "padding", 1);
      return { out: [input[0] + t + b, input[1] + l + r, input[2]], params: 0, flops: 0 };
    },
  },
  Cropping2D: {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, 3, "Cropping2D");
      const [t, b, l, r] = readSides(cfg, "cropping", 0);
      const h = input[0] - t - b;
      const w = input[1] - l - r;
      if (h < 1 || w < 1) throw fieldIssue("cropping", `crops ${fmt(input)} down to nothing`);
      return { out: [h, w, input[2]], params: 0, flops: 0 };
    },
  },
  UpSampling2D: {
    infer(input, cfg) {
      channelsLast(cfg);
      needRank(input, 3, "UpSampling2D");
      const s = readTuple(cfg, "size", 2, { def: 2 });
      return { out: [input[0] * s[0], input[1] * s[1], input[2]], params: 0, flops: 0 };
    },
  },
};
