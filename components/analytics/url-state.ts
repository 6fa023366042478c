// What the analytics page shows, as it lives in the URL (so any view can be shared): the view,
// the Pareto chart's cost axis, and the parallel coordinates' brushes. Pure: parsed on the
// server for the first render and on the client after every change.

export const VIEWS = ["pareto", "hyperparameters", "days", "confusion"] as const;
export type View = (typeof VIEWS)[number];

export const COSTS = ["params", "flops", "time"] as const;
export type Cost = (typeof COSTS)[number];

/** The numeric axes of the parallel coordinates, in the order they are drawn (after the optimizer). */
export const NUMERIC_AXES = ["learningRate", "batchSize", "epochs", "maxDropout", "depth", "accuracy"] as const;
export type NumericAxis = (typeof NUMERIC_AXES)[number];

export interface Brushes {
  /** Selected optimizers; absent: all. */
  optimizer?: string[];
  ranges: Partial<Record<NumericAxis, [number, number]>>;
}

export interface AnalyticsState {
  view: View;
  cost: Cost;
  brushes: Brushes;
}

type Params = URLSearchParams | Record<string, string | string[] | undefined>;

function get(params: Params, key: string): string {
  if (params instanceof URLSearchParams) return params.get(key) ?? "";
  const value = params[key];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

const OPTIMIZER = /^[a-z]{1,20}$/;

/** The state a URL names; anything unreadable falls back to the default rather than failing. */
export function readState(params: Params): AnalyticsState {
  const view = get(params, "view");
  const cost = get(params, "x");
  const brushes: Brushes = { ranges: {} };
  const optimizers = get(params, "optimizer")
    .split(",")
    .filter((o) => OPTIMIZER.test(o));
  if (optimizers.length) brushes.optimizer = [...new Set(optimizers)];
  for (const axis of NUMERIC_AXES) {
    // "lo~hi"; either side may be left empty (no bound).
    const m = /^(-?[\d.e+-]+)?~(-?[\d.e+-]+)?$/i.exec(get(params, axis));
    if (!m || (m[1] === undefined && m[2] === undefined)) continue;
    const lo = m[1] === undefined ? Number.NEGATIVE_INFINITY : Number(m[1]);
    const hi = m[2] === undefined ? Number.POSITIVE_INFINITY : Number(m[2]);
    if (Number.isNaN(lo) || Number.isNaN(hi)) continue;
    brushes.ranges[axis] = lo <= hi ? [lo, hi] : [hi, lo];
  }
  return {
    view: (VIEWS as readonly string[]).includes(view) ? (view as View) : "pareto",
    cost: (COSTS as readonly string[]).includes(cost) ? (cost as Cost) : "params",
    brushes,
  };
}

/** Four significant digits: a shared URL stays short, and the selection it names is the same runs in practice. */
const short = (n: number) => (Number.isFinite(n) ? String(Number(n.toPrecision(4))) : "");

/** The query string of a state, defaults left out. */
export function writeState(state: AnalyticsState): string {
  const params = new URLSearchParams();
  if (state.view !== "pareto") params.set("view", state.view);
  if (state.cost !== "params") params.set("x", state.cost);
  if (state.brushes.optimizer) params.set("optimizer", state.brushes.optimizer.join(","));
  for (const axis of NUMERIC_AXES) {
    const range = state.brushes.ranges[axis];
    if (range) params.set(axis, `${short(range[0])}~${short(range[1])}`);
  }
  const text = params.toString().replaceAll("%2C", ",").replaceAll("%7E", "~");
  return text ? `?${text}` : "";
}

/** Whether a run passes every brush. */
export function selected(run: { optimizer: string } & Record<NumericAxis, number | null>, brushes: Brushes): boolean {
  if (brushes.optimizer && !brushes.optimizer.includes(run.optimizer)) return false;
  for (const axis of NUMERIC_AXES) {
    const range = brushes.ranges[axis];
    if (!range) continue;
    const value = run[axis];
    // Four significant digits in the URL: a bound may sit a hair inside the value it was drawn at.
    const slack = [range[0], range[1]].filter(Number.isFinite).reduce((sum, v) => sum + Math.abs(v), 0) * 1e-4;
    if (value === null || value < range[0] - slack || value > range[1] + slack) return false;
  }
  return true;
}
