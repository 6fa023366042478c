"use client";
// Over 300 lines: the chart, its brushing by pointer and its keyboard equivalent (a form of the
// same ranges) belong together; split up they would pass the same scales and state around.
import { Axis } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleLinear, scaleLog, scalePoint } from "@visx/scale";
import { type PointerEvent, useMemo, useState } from "react";
import { formatPercent } from "../ui";
import { viridis } from "./colour";
import { type PlotPoint, runLabel } from "./types";
import { type Brushes, NUMERIC_AXES, type NumericAxis, selected } from "./url-state";

const W = 820;
const H = 380;
const M = { top: 28, right: 40, bottom: 20, left: 40 };
const IW = W - M.left - M.right;
const IH = H - M.top - M.bottom;

type AxisKey = "optimizer" | NumericAxis;
const AXES: AxisKey[] = ["optimizer", ...NUMERIC_AXES];

/** On the chart, where the axes stand close together. */
const SHORT_LABELS: Record<AxisKey, string> = {
  optimizer: "optimizer",
  learningRate: "learning rate",
  batchSize: "batch size",
  epochs: "epochs",
  maxDropout: "dropout",
  depth: "depth",
  accuracy: "accuracy",
};

export const AXIS_LABELS: Record<AxisKey, string> = {
  optimizer: "optimizer",
  learningRate: "learning rate (log)",
  batchSize: "batch size (log)",
  epochs: "epochs trained",
  maxDropout: "dropout (max)",
  depth: "depth (weighted layers)",
  accuracy: "accuracy",
};

type Plottable = PlotPoint & { depth: number; maxDropout: number };

interface NumericScale {
  (value: number): number;
  invert(y: number): number;
}

function span(values: number[], pad: (lo: number, hi: number) => [number, number]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return pad(lo, hi);
}

function numericScales(points: Plottable[]): Record<NumericAxis, NumericScale> {
  const of = (axis: NumericAxis) => points.map((p) => p[axis]);
  const log = (axis: NumericAxis, base: number) =>
    scaleLog<number>({ domain: span(of(axis), (lo, hi) => [lo / base, hi * base]), range: [IH, 0], base });
  const linear = (axis: NumericAxis, floor?: number) =>
    scaleLinear<number>({
      domain: span(of(axis), (lo, hi) => (lo === hi ? [lo - 1, hi + 1] : [floor ?? lo, hi])),
      range: [IH, 0],
      nice: true,
    });
  return {
    learningRate: log("learningRate", 2),
    batchSize: log("batchSize", 2),
    epochs: linear("epochs", 0),
    maxDropout: scaleLinear<number>({ domain: [0, Math.max(0.5, ...of("maxDropout"))], range: [IH, 0], nice: true }),
    depth: linear("depth", 0),
    accuracy: linear("accuracy"),
  };
}

const fmt: Record<NumericAxis, (v: number) => string> = {
  learningRate: (v) => v.toExponential(0),
  batchSize: (v) => String(Math.round(v)),
  epochs: (v) => String(Math.round(v * 10) / 10),
  maxDropout: (v) => String(Math.round(v * 100) / 100),
  depth: (v) => String(Math.round(v * 10) / 10),
  accuracy: (v) => `${Math.round(v * 1000) / 10}%`,
};

/**
 * Each run a line across the hyperparameters to its accuracy, coloured by accuracy (viridis).
 * Dragging along an axis keeps the runs inside that range (a click clears it); the form below
 * sets the same ranges by keyboard. Brushes live in the URL (`onBrushes`).
 */
export function ParallelCoordinates({
  points,
  brushes,
  onBrushes,
}: {
  points: PlotPoint[];
  brushes: Brushes;
  onBrushes: (next: Brushes) => void;
}) {
  const { plottable, optimizers, x, scales, opt } = useMemo(() => {
    const plottable = points.filter((p): p is Plottable => p.depth !== null && p.maxDropout !== null);
    const optimizers = [...new Set(plottable.map((p) => p.optimizer))].sort();
    return {
      plottable,
      optimizers,
      x: scalePoint<AxisKey>({ domain: AXES, range: [0, IW] }),
      scales: numericScales(plottable),
      opt: scalePoint<string>({ domain: optimizers, range: [IH, 0], padding: 0.5 }),
    };
  }, [points]);
  const [lo, hi] = [Math.min(...plottable.map((p) => p.accuracy)), Math.max(...plottable.map((p) => p.accuracy))];
  const [drag, setDrag] = useState<{ axis: AxisKey; from: number; to: number } | null>(null);

  const isIn = (p: Plottable) => selected(p, brushes);
  const matching = plottable.filter(isIn);
  const lines = useMemo(() => {
    const path = (p: Plottable) =>
      AXES.map((a, i) => `${i ? "L" : "M"}${x(a)},${a === "optimizer" ? opt(p.optimizer) : scales[a](p[a])}`).join("");
    const inside = plottable.filter((p) => selected(p, brushes));
    const outside = plottable.filter((p) => !selected(p, brushes));
    return (
      <g fill="none">
        {outside.map((p) => (
          <path key={p.key} d={path(p)} stroke="#94a3b8" strokeOpacity={0.4} strokeWidth={1} />
        ))}
        {inside
          .sort((a, b) => a.accuracy - b.accuracy)
          .map((p) => (
            <path
              key={p.key}
              d={path(p)}
              stroke={viridis(hi > lo ? (p.accuracy - lo) / (hi - lo) : 1)}
              strokeOpacity={0.75}
              strokeWidth={p.mine ? 2.5 : 1.25}
            />
          ))}
      </g>
    );
  }, [plottable, brushes, scales, opt, x, lo, hi]);

  const yOf = (event: PointerEvent<SVGRectElement>) => {
    const box = (event.currentTarget.ownerSVGElement as SVGSVGElement).getBoundingClientRect();
    return Math.min(IH, Math.max(0, ((event.clientY - box.top) / box.height) * H - M.top));
  };
  const commit = (axis: AxisKey, from: number, to: number) => {
    const [top, bottom] = [Math.min(from, to), Math.max(from, to)];
    const next: Brushes = { ...brushes, ranges: { ...brushes.ranges } };
    if (bottom - top < 3) {
      // A click: that axis takes every run again.
      if (axis === "optimizer") delete next.optimizer;
      else delete next.ranges[axis];
    } else if (axis === "optimizer") {
      next.optimizer = optimizers.filter((o) => {
        const y = opt(o) ?? 0;
        return y >= top && y <= bottom;
      });
    } else {
      next.ranges[axis] = [scales[axis].invert(bottom), scales[axis].invert(top)];
    }
    onBrushes(next);
  };
  const brushBox = (axis: AxisKey): [number, number] | null => {
    if (drag?.axis === axis) return [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)];
    if (axis === "optimizer") {
      if (!brushes.optimizer) return null;
      const ys = brushes.optimizer.map((o) => opt(o)).filter((y): y is number => y !== undefined);
      return ys.length ? [Math.min(...ys) - 8, Math.max(...ys) + 8] : [0, 0];
    }
    const range = brushes.ranges[axis];
    if (!range) return null;
    const end = (v: number, open: number) => (Number.isFinite(v) ? Math.min(IH, Math.max(0, scales[axis](v))) : open);
    return [end(range[1], 0), end(range[0], IH)];
  };

  if (!plottable.length) return <p className="text-sm text-slate-600">No runs to draw yet.</p>;
  return (
    <div className="min-w-0">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-auto w-full touch-none select-none"
        role="img"
        aria-label={`Parallel coordinates of ${plottable.length} runs from optimizer, learning rate, batch size, epochs, dropout and depth to accuracy; ${matching.length} match the filters. Set the filters with the form below.`}
      >
        <Group left={M.left} top={M.top}>
          {lines}
          {AXES.map((axis) => {
            const box = brushBox(axis);
            return (
              <Group key={axis} left={x(axis)}>
                {axis === "optimizer" ? (
                  <Axis
                    orientation="left"
                    scale={opt}
                    stroke="#475569"
                    tickStroke="#475569"
                    tickLabelProps={() => ({ fontSize: 10, fill: "#1e293b", textAnchor: "end", dx: -3, dy: 3 })}
                  />
                ) : (
                  <Axis
                    orientation="left"
                    scale={scales[axis] as never}
                    numTicks={5}
                    tickFormat={(v) => fmt[axis](Number(v))}
                    stroke="#475569"
                    tickStroke="#475569"
                    tickLabelProps={() => ({ fontSize: 10, fill: "#1e293b", textAnchor: "end", dx: -3, dy: 3 })}
                  />
                )}
                <text y={-12} fontSize={11} fontWeight={600} fill="#0f172a" textAnchor="middle">
                  {SHORT_LABELS[axis]}
                </text>
                {box && (
                  <rect
                    x={-8}
                    y={box[0]}
                    width={16}
                    height={Math.max(2, box[1] - box[0])}
                    fill="#0f172a"
                    fillOpacity={0.15}
                    stroke="#0f172a"
                  />
                )}
                <rect
                  x={-14}
                  y={0}
                  width={28}
                  height={IH}
                  fill="transparent"
                  className="cursor-ns-resize"
                  data-testid={`brush-${axis}`}
                  onPointerDown={(e) => {
                    e.currentTarget.setPointerCapture(e.pointerId);
                    const y = yOf(e);
                    setDrag({ axis, from: y, to: y });
                  }}
                  onPointerMove={(e) => drag?.axis === axis && setDrag({ ...drag, to: yOf(e) })}
                  onPointerUp={(e) => {
                    if (drag?.axis !== axis) return;
                    setDrag(null);
                    commit(axis, drag.from, yOf(e));
                  }}
                />
              </Group>
            );
          })}
        </Group>
      </svg>
      <p className="mt-1 text-xs text-slate-600">
        Colour: accuracy, from {formatPercent(lo, 1)}{" "}
        <span
          aria-hidden="true"
          className="inline-block h-2 w-16 rounded-sm align-middle"
          style={{ background: `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(viridis).join(",")})` }}
        />{" "}
        to {formatPercent(hi, 1)} (viridis); runs outside the filters grey. Learning rate and batch size on log scales,
        depth in weighted layers (Dense, convolutions), dropout the largest rate. Drag along an axis to keep a range;
        click an axis to clear it.
      </p>
      <BrushForm optimizers={optimizers} brushes={brushes} onBrushes={onBrushes} />
      <p className="mt-4 text-sm font-medium" aria-live="polite" data-testid="pc-matching">
        {matching.length} of {plottable.length} runs match
        {plottable.length < points.length &&
          ` (${points.length - plottable.length} whose architecture no longer parses are left out)`}
      </p>
      <MatchingTable runs={matching} />
    </div>
  );
}

function BrushForm({
  optimizers,
  brushes,
  onBrushes,
}: {
  optimizers: string[];
  brushes: Brushes;
  onBrushes: (next: Brushes) => void;
}) {
  const read = (form: HTMLFormElement): Brushes => {
    const data = new FormData(form);
    const chosen = optimizers.filter((o) => data.get(`optimizer-${o}`) === "on");
    const next: Brushes = { ranges: {} };
    if (chosen.length < optimizers.length) next.optimizer = chosen;
    for (const axis of NUMERIC_AXES) {
      const [min, max] = [String(data.get(`${axis}-min`) ?? ""), String(data.get(`${axis}-max`) ?? "")];
      if (min.trim() === "" && max.trim() === "") continue;
      const lo = min.trim() === "" ? Number.NEGATIVE_INFINITY : Number(min);
      const hi = max.trim() === "" ? Number.POSITIVE_INFINITY : Number(max);
      if (Number.isNaN(lo) || Number.isNaN(hi)) continue;
      next.ranges[axis] = [Math.min(lo, hi), Math.max(lo, hi)];
    }
    return next;
  };
  return (
    <form
      // Re-mounted when the brushes change by dragging, so the fields show them.
      key={JSON.stringify(brushes)}
      className="mt-4 rounded-lg bg-slate-50 p-3 text-sm ring-1 ring-slate-200"
      aria-label="Filter runs by hyperparameter"
      onSubmit={(e) => {
        e.preventDefault();
        onBrushes(read(e.currentTarget));
      }}
    >
      <fieldset className="flex flex-wrap items-center gap-x-4 gap-y-1">
        <legend className="mb-1 font-medium">Optimizers</legend>
        {optimizers.map((o) => (
          <label key={o} className="inline-flex items-center gap-1">
            <input
              type="checkbox"
              name={`optimizer-${o}`}
              defaultChecked={!brushes.optimizer || brushes.optimizer.includes(o)}
            />
            {o}
          </label>
        ))}
      </fieldset>
      <div className="mt-3 grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3">
        {NUMERIC_AXES.map((axis) => {
          const range = brushes.ranges[axis];
          return (
            <fieldset key={axis} className="flex flex-wrap items-center gap-1">
              <legend className="sr-only">{AXIS_LABELS[axis]}</legend>
              <span className="w-full text-slate-700 sm:w-40 sm:shrink-0" aria-hidden="true">
                {AXIS_LABELS[axis]}
              </span>
              <input
                type="number"
                step="any"
                name={`${axis}-min`}
                aria-label={`${AXIS_LABELS[axis]}: at least`}
                placeholder="min"
                defaultValue={range && Number.isFinite(range[0]) ? Number(range[0].toPrecision(4)) : ""}
                className="w-24 rounded border-slate-300 px-1.5 py-1 text-sm"
              />
              <span aria-hidden="true">–</span>
              <input
                type="number"
                step="any"
                name={`${axis}-max`}
                aria-label={`${AXIS_LABELS[axis]}: at most`}
                placeholder="max"
                defaultValue={range && Number.isFinite(range[1]) ? Number(range[1].toPrecision(4)) : ""}
                className="w-24 rounded border-slate-300 px-1.5 py-1 text-sm"
              />
            </fieldset>
          );
        })}
      </div>
      <div className="mt-3 flex gap-2">
        <button
          type="submit"
          className="rounded-md bg-brand-600 px-3 py-1.5 font-semibold text-white hover:bg-brand-700"
        >
          Apply filters
        </button>
        <button
          type="button"
          className="rounded-md bg-white px-3 py-1.5 font-semibold text-slate-800 ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
          onClick={() => onBrushes({ ranges: {} })}
        >
          Clear filters
        </button>
      </div>
    </form>
  );
}

function MatchingTable({ runs }: { runs: Plottable[] }) {
  const best = [...runs].sort((a, b) => b.accuracy - a.accuracy).slice(0, 10);
  if (!best.length) return null;
  return (
    // `relative`: the sr-only caption is absolutely positioned and would escape the scroll box.
    <div className="relative mt-2 overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">The most accurate runs that match the filters</caption>
        <thead className="text-xs text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-2 font-medium">
              Run
            </th>
            <th scope="col" className="py-1 pr-2 font-medium">
              Optimizer
            </th>
            <th scope="col" className="py-1 pr-2 text-right font-medium">
              Learning rate
            </th>
            <th scope="col" className="py-1 pr-2 text-right font-medium">
              Batch
            </th>
            <th scope="col" className="py-1 pr-2 text-right font-medium">
              Epochs
            </th>
            <th scope="col" className="py-1 pr-2 text-right font-medium">
              Dropout
            </th>
            <th scope="col" className="py-1 pr-2 text-right font-medium">
              Depth
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Accuracy
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 tabular-nums">
          {best.map((p) => (
            <tr key={p.key}>
              <td className="py-1 pr-2">{runLabel(p)}</td>
              <td className="py-1 pr-2">{p.optimizer}</td>
              <td className="py-1 pr-2 text-right">{p.learningRate}</td>
              <td className="py-1 pr-2 text-right">{p.batchSize}</td>
              <td className="py-1 pr-2 text-right">{p.epochs}</td>
              <td className="py-1 pr-2 text-right">{p.maxDropout}</td>
              <td className="py-1 pr-2 text-right">{p.depth}</td>
              <td className="py-1 text-right">{formatPercent(p.accuracy)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
