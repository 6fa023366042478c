"use client";
import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleLinear, scaleLog } from "@visx/scale";
import { useState } from "react";
import { formatCount, formatDuration, formatPercent } from "../ui";
import { OKABE_ITO } from "./colour";
import { type PlotPoint, runLabel } from "./types";
import type { Cost } from "./url-state";

export const COST_LABELS: Record<Cost, string> = {
  params: "parameters",
  flops: "FLOPs per image (forward)",
  time: "training time",
};

export const costOf: Record<Cost, (p: PlotPoint) => number | null> = {
  params: (p) => p.paramCount,
  flops: (p) => p.flops,
  time: (p) => p.trainDurationMs,
};

export function formatCost(cost: Cost, value: number): string {
  if (cost === "time") return formatDuration(value);
  if (cost === "flops") return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M` : `${(value / 1e3).toFixed(1)} k`;
  return formatCount(value);
}

/** Ticks of a log axis: the powers of ten in the domain, with 2× and 5× when there are few. */
export function logTicks([lo, hi]: [number, number]): number[] {
  const ticks: number[] = [];
  const steps = Math.log10(hi) - Math.log10(lo) < 2.5 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of steps) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  return ticks;
}

const W = 760;
const H = 400;
const M = { top: 16, right: 24, bottom: 44, left: 56 };
const IW = W - M.left - M.right;
const IH = H - M.top - M.bottom;

/**
 * Accuracy against a cost on a log axis, every run a dot (the viewer's own a diamond), the Pareto
 * front a step line through its members, each labelled. The chart is one image to a screen
 * reader; its members are the table below it, whose buttons highlight a member on the chart.
 */
export function ParetoScatter({ points, front, cost }: { points: PlotPoint[]; front: PlotPoint[]; cost: Cost }) {
  const [active, setActive] = useState<number | null>(null);
  const plotted = points.filter((p) => (costOf[cost](p) ?? 0) > 0);
  const costs = plotted.map((p) => costOf[cost](p)!);
  const accuracies = plotted.map((p) => p.accuracy);
  const [cheapest, dearest] = costs.length ? [Math.min(...costs), Math.max(...costs)] : [1, 10];
  const x = scaleLog<number>({ domain: [cheapest / 1.5, dearest * 1.5], range: [0, IW] });
  const y = scaleLinear<number>({
    domain: [Math.max(0, Math.min(...accuracies, 1) - 0.02), Math.min(1, Math.max(...accuracies, 0) + 0.02)],
    range: [IH, 0],
    nice: true,
  });
  const at = (p: PlotPoint) => ({ cx: x(costOf[cost](p)!), cy: y(p.accuracy) });
  const onFront = new Set(front.map((p) => p.key));
  // The front as a staircase: across at the member's accuracy to the next member's cost, then up.
  const stairs = front
    .map((p, i) => {
      const { cx, cy } = at(p);
      const next = front[i + 1];
      return `${i === 0 ? `M${cx},${cy}` : `V${cy}`} H${next ? at(next).cx : IW}`;
    })
    .join(" ");
  const names = front.map(runLabel).join(", ");
  return (
    <figure className="min-w-0">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-auto w-full"
        role="img"
        aria-label={`Accuracy against ${COST_LABELS[cost]} (log scale) for ${plotted.length} runs. Pareto front, cheapest first: ${names}. The members are in the table below.`}
      >
        <Group left={M.left} top={M.top}>
          <GridRows scale={y} width={IW} numTicks={6} stroke="#e2e8f0" />
          <AxisLeft
            scale={y}
            numTicks={6}
            tickFormat={(v) => `${Math.round(Number(v) * 1000) / 10}%`}
            label="accuracy"
            labelProps={{ fontSize: 11, fill: "#334155", textAnchor: "middle" }}
            tickLabelProps={() => ({ fontSize: 10, fill: "#475569", textAnchor: "end", dx: -2, dy: 3 })}
            stroke="#94a3b8"
            tickStroke="#94a3b8"
          />
          <AxisBottom
            top={IH}
            scale={x}
            tickValues={logTicks(x.domain() as [number, number])}
            tickFormat={(v) => formatCost(cost, Number(v))}
            label={`${COST_LABELS[cost]} (log scale)`}
            labelProps={{ fontSize: 11, fill: "#334155", textAnchor: "middle" }}
            tickLabelProps={() => ({ fontSize: 10, fill: "#475569", textAnchor: "middle" })}
            stroke="#94a3b8"
            tickStroke="#94a3b8"
          />
          {plotted
            .filter((p) => !onFront.has(p.key))
            .map((p) => {
              const { cx, cy } = at(p);
              return p.mine ? (
                <rect
                  key={p.key}
                  x={cx - 4}
                  y={cy - 4}
                  width={8}
                  height={8}
                  transform={`rotate(45 ${cx} ${cy})`}
                  fill={OKABE_ITO.orange}
                  stroke="#1e293b"
                  strokeWidth={0.75}
                />
              ) : (
                <circle key={p.key} cx={cx} cy={cy} r={3.5} fill={OKABE_ITO.blue} fillOpacity={0.45} />
              );
            })}
          <path d={stairs} fill="none" stroke={OKABE_ITO.vermillion} strokeWidth={2} />
          {front.map((p, i) => {
            const { cx, cy } = at(p);
            const above = i % 2 === 0;
            const right = cx < IW - 140;
            return (
              <g key={p.key} data-testid="pareto-member">
                {active === p.key && <circle cx={cx} cy={cy} r={12} fill="none" stroke="#0f172a" strokeWidth={2} />}
                <circle
                  cx={cx}
                  cy={cy}
                  r={p.mine ? 7 : 6}
                  fill={p.mine ? OKABE_ITO.orange : "#fff"}
                  stroke={OKABE_ITO.vermillion}
                  strokeWidth={2}
                />
                <text
                  x={cx + (right ? 9 : -9)}
                  y={cy + (above ? -8 : 14)}
                  fontSize={11}
                  fontWeight={active === p.key ? 700 : 400}
                  fill="#0f172a"
                  textAnchor={right ? "start" : "end"}
                  paintOrder="stroke"
                  stroke="#fff"
                  strokeWidth={3}
                >
                  {runLabel(p)}
                </text>
              </g>
            );
          })}
        </Group>
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        <span>
          <span aria-hidden="true" style={{ color: OKABE_ITO.blue }}>
            ●
          </span>{" "}
          a run
        </span>
        <span>
          <span aria-hidden="true" style={{ color: OKABE_ITO.orange }}>
            ◆
          </span>{" "}
          your run
        </span>
        <span>
          <span aria-hidden="true" style={{ color: OKABE_ITO.vermillion }}>
            ○─
          </span>{" "}
          Pareto front: no other run is both more accurate and cheaper
        </span>
      </figcaption>
      <h3 className="mt-4 text-sm font-semibold">Pareto front ({COST_LABELS[cost]})</h3>
      <table className="mt-1 w-full text-left text-sm" data-testid="pareto-table">
        <caption className="sr-only">
          The runs on the Pareto front of accuracy against {COST_LABELS[cost]}, cheapest first
        </caption>
        <thead className="text-xs text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-2 font-medium">
              Run (highlight on the chart)
            </th>
            <th scope="col" className="py-1 pr-2 text-right font-medium">
              {COST_LABELS[cost]}
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Accuracy
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 tabular-nums">
          {front.map((p) => (
            <tr key={p.key} data-testid="pareto-row">
              <td className="py-1 pr-2">
                <button
                  type="button"
                  aria-pressed={active === p.key}
                  onClick={() => setActive(active === p.key ? null : p.key)}
                  onFocus={() => setActive(p.key)}
                  className="rounded px-1 text-left hover:bg-slate-100 aria-pressed:bg-amber-100"
                >
                  {runLabel(p)}
                </button>
              </td>
              <td className="py-1 pr-2 text-right">{formatCost(cost, costOf[cost](p) ?? 0)}</td>
              <td className="py-1 text-right">{formatPercent(p.accuracy)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
