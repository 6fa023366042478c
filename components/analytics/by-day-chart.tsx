"use client";
import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleLinear, scalePoint } from "@visx/scale";
import { LinePath } from "@visx/shape";
import { formatPercent } from "../ui";
import { OKABE_ITO } from "./colour";
import type { PlotDay } from "./types";

const W = 760;
const H = 320;
const M = { top: 16, right: 24, bottom: 44, left: 56 };
const IW = W - M.left - M.right;
const IH = H - M.top - M.bottom;

const SERIES = [
  { key: "best", label: "Best", color: OKABE_ITO.blue, dash: undefined, marker: "circle" },
  { key: "median", label: "Median", color: OKABE_ITO.vermillion, dash: "6 4", marker: "square" },
] as const;

/** The class's best and median accuracy of the runs finished each UTC day; the numbers in a table for screen readers. */
export function ByDayChart({ days }: { days: PlotDay[] }) {
  if (!days.length) return <p className="text-sm text-slate-600">No finished runs yet.</p>;
  const x = scalePoint<string>({ domain: days.map((d) => d.day), range: [0, IW], padding: 0.5 });
  const values = days.flatMap((d) => [d.best, d.median]);
  const y = scaleLinear<number>({
    domain: [Math.max(0, Math.min(...values) - 0.02), Math.min(1, Math.max(...values) + 0.02)],
    range: [IH, 0],
    nice: true,
  });
  const every = Math.ceil(days.length / 10);
  return (
    // `relative`: the sr-only table is absolutely positioned and would otherwise widen a phone's page.
    <figure className="relative min-w-0">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-auto w-full"
        role="img"
        aria-label={`Best and median accuracy per day (UTC) over ${days.length} days; the numbers are in the table below.`}
      >
        <Group left={M.left} top={M.top}>
          <GridRows scale={y} width={IW} numTicks={6} stroke="#e2e8f0" />
          <AxisLeft
            scale={y}
            numTicks={6}
            tickFormat={(v) => `${Math.round(Number(v) * 1000) / 10}%`}
            tickLabelProps={() => ({ fontSize: 10, fill: "#475569", textAnchor: "end", dx: -2, dy: 3 })}
            stroke="#94a3b8"
            tickStroke="#94a3b8"
          />
          <AxisBottom
            top={IH}
            scale={x}
            tickValues={days.filter((_, i) => i % every === 0).map((d) => d.day)}
            label="day (UTC)"
            labelProps={{ fontSize: 11, fill: "#334155", textAnchor: "middle" }}
            tickLabelProps={() => ({ fontSize: 10, fill: "#475569", textAnchor: "middle" })}
            stroke="#94a3b8"
            tickStroke="#94a3b8"
          />
          {SERIES.map((s) => (
            <g key={s.key}>
              <LinePath
                data={days}
                x={(d) => x(d.day) ?? 0}
                y={(d) => y(d[s.key])}
                stroke={s.color}
                strokeWidth={2}
                strokeDasharray={s.dash}
              />
              {days.map((d) =>
                s.marker === "circle" ? (
                  <circle key={d.day} cx={x(d.day)} cy={y(d[s.key])} r={4} fill={s.color} />
                ) : (
                  <rect
                    key={d.day}
                    x={(x(d.day) ?? 0) - 3.5}
                    y={y(d[s.key]) - 3.5}
                    width={7}
                    height={7}
                    fill={s.color}
                  />
                ),
              )}
            </g>
          ))}
        </Group>
      </svg>
      <figcaption className="mt-2 flex gap-4 text-xs text-slate-600">
        {SERIES.map((s) => (
          <span key={s.key} className="inline-flex items-center gap-1">
            <svg width="28" height="10" aria-hidden="true">
              <line x1="0" y1="5" x2="28" y2="5" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash} />
            </svg>
            {s.label} accuracy of the runs finished that day
          </span>
        ))}
        <span>Days are UTC days.</span>
      </figcaption>
      {/* The wrapper is what is visually hidden: a table never shrinks to sr-only's 1 px. */}
      <div className="sr-only">
        <table data-testid="by-day-table">
          <caption>Best and median accuracy per UTC day</caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col">Runs</th>
              <th scope="col">Best</th>
              <th scope="col">Median</th>
              <th scope="col">Best so far</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day} data-day={d.day}>
                <th scope="row">{d.day}</th>
                <td>{d.runs}</td>
                <td data-testid="day-best">{formatPercent(d.best)}</td>
                <td>{formatPercent(d.median)}</td>
                <td>{formatPercent(d.bestSoFar)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
