// Field readers: every rejection names the field and says what was expected.
import { fieldIssue } from "../errors";
import { fmt, type Shape } from "../shape";
import type { Config } from "./types";

export const isNum = (v: unknown): v is number => typeof v === "number";

export function checkFinite(field: string, v: unknown): void {
  if (isNum(v) && !Number.isFinite(v)) throw fieldIssue(field, `must be a finite number, got ${v}`);
}

export function readInt(cfg: Config, field: string, opts: { min?: number; max?: number; def?: number } = {}): number {
  const v = cfg[field] ?? opts.def;
  if (v === undefined) throw fieldIssue(field, "is required");
  checkFinite(field, v);
  if (!isNum(v) || !Number.isInteger(v)) throw fieldIssue(field, `must be an integer, got ${JSON.stringify(v)}`);
  if (opts.min !== undefined && v < opts.min) throw fieldIssue(field, `must be ≥ ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) throw fieldIssue(field, `must be ≤ ${opts.max}, got ${v}`);
  return v;
}

export function readNumber(
  cfg: Config,
  field: string,
  opts: { min?: number; max?: number; def?: number; minExclusive?: boolean } = {},
): number {
  const v = cfg[field] ?? opts.def;
  if (v === undefined) throw fieldIssue(field, "is required");
  checkFinite(field, v);
  if (!isNum(v)) throw fieldIssue(field, `must be a number, got ${JSON.stringify(v)}`);
  if (opts.min !== undefined && (opts.minExclusive ? v <= opts.min : v < opts.min)) {
    throw fieldIssue(field, `must be ${opts.minExclusive ? ">" : "≥"} ${opts.min}, got ${v}`);
  }
  if (opts.max !== undefined && v > opts.max) throw fieldIssue(field, `must be ≤ ${opts.max}, got ${v}`);
  return v;
}

/** Reads an int or a list of `n` ints (Keras accepts `kernel_size: 3` and `[3, 3]`). */
export function readTuple(
  cfg: Config,
  field: string,
  n: number,
  opts: { min?: number; def?: number | number[] } = {},
): number[] {
  const v = cfg[field] ?? opts.def;
  if (v === undefined || v === null) throw fieldIssue(field, "is required");
  const list = Array.isArray(v) ? v : Array(n).fill(v);
  if (list.length !== n)
    throw fieldIssue(field, `must be an integer or a list of ${n} integers, got ${JSON.stringify(v)}`);
  const min = opts.min ?? 1;
  for (const x of list) {
    checkFinite(field, x);
    if (!isNum(x) || !Number.isInteger(x)) throw fieldIssue(field, `must hold integers, got ${JSON.stringify(v)}`);
    if (x < min) throw fieldIssue(field, `must be ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return list as number[];
}

export function readEnum<T extends string>(cfg: Config, field: string, allowed: readonly T[], def: T): T {
  const v = cfg[field] ?? def;
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    throw fieldIssue(field, `must be one of ${allowed.map((a) => `'${a}'`).join(", ")}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

export function readBool(cfg: Config, field: string, def: boolean): boolean {
  const v = cfg[field] ?? def;
  if (typeof v !== "boolean") throw fieldIssue(field, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function channelsLast(cfg: Config): void {
  const v = cfg.data_format;
  if (v !== undefined && v !== null && v !== "channels_last") {
    throw fieldIssue("data_format", `only 'channels_last' is supported (images are 28×28×1), got ${JSON.stringify(v)}`);
  }
}

export function needRank(input: Shape, rank: number, what: string): void {
  if (input.length !== rank) {
    throw fieldIssue(
      null,
      `${what} needs a rank-${rank} input (${rank === 3 ? "height, width, channels" : rank === 2 ? "steps, channels" : "features"}), got shape ${fmt(input)}`,
    );
  }
}

/** An `axis` config that may only name the last axis (-1, or its positive index). */
export function lastAxis(input: Shape, cfg: Config, what: string): void {
  const axis = cfg.axis === undefined ? -1 : Array.isArray(cfg.axis) && cfg.axis.length === 1 ? cfg.axis[0] : cfg.axis;
  if (axis !== -1 && axis !== input.length)
    throw fieldIssue("axis", `only ${what} (-1) is supported, got ${JSON.stringify(cfg.axis)}`);
}

// Output length of a windowed op along one axis, with the error naming the field that's too big.
export function windowOut(
  size: number,
  k: number,
  stride: number,
  dilation: number,
  padding: "valid" | "same",
  field: string,
  axis: string,
): number {
  if (padding === "same") return Math.ceil(size / stride);
  const eff = (k - 1) * dilation + 1;
  if (eff > size) {
    throw fieldIssue(field, `window ${eff} is larger than the ${axis} (${size}) of its input with padding 'valid'`);
  }
  return Math.floor((size - eff) / stride) + 1;
}
