"use client";
import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleLinear } from "@visx/scale";
import { LinePath } from "@visx/shape";
import type { EpochPoint } from "../charts/learning-curves";
import { formatPercent } from "../ui";
import { Marker, Swatch } from "./marker";
import { letter, SERIES_STYLES } from "./series";

export interface CurveRun {
  /** As the page names it ("A · first run"). */
  name: string;
  history: EpochPoint[];
}

const W = 420;
const H = 220;
const M = { top: 12, right: 12, bottom: 36, left: 48 };

const CHARTS = [
  { key: "loss", title: "Training loss", get: (p: EpochPoint) => p.loss, percent: false },
  { key: "valLoss", title: "Validation loss", get: (p: EpochPoint) => p.valLoss, percent: false },
  { key: "accuracy", title: "Training accuracy", get: (p: EpochPoint) => p.accuracy, percent: true },
  { key: "valAccuracy", title: "Validation accuracy", get: (p: EpochPoint) => p.valAccuracy, percent: true },
] as const;

type ChartSpec = (typeof CHARTS)[number];

function Chart({ spec, runs, maxEpochs }: { spec: ChartSpec; runs: CurveRun[]; maxEpochs: number }) {
  const values = runs
    .flatMap((r) => r.history.map(spec.get))
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length === 0) {
    return (
      <figure className="min-w-0">
        <figcaption className="mb-1 text-sm font-medium">{spec.title}</figcaption>
        <p className="text-sm text-slate-500">Not recorded (no validation split).</p>
      </figure>
    );
  }
  const lo = spec.percent ? Math.max(0, Math.min(...values, 1) - 0.05) : 0;
  const hi = spec.percent ? 1 : Math.max(...values, 0.1) * 1.1;
  const x = scaleLinear<number>({ domain: [1, Math.max(2, maxEpochs)], range: [0, W - M.left - M.right] });
  const y = scaleLinear<number>({ domain: [lo, hi], range: [H - M.top - M.bottom, 0], nice: true });
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 text-sm font-medium">{spec.title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-auto w-full"
        role="img"
        aria-label={`${spec.title} per epoch of ${runs.map((r) => r.name).join(", ")}; the numbers are in the table below.`}
      >
        <Group left={M.left} top={M.top}>
          <GridRows scale={y} width={W - M.left - M.right} numTicks={5} stroke="#e2e8f0" />
          <AxisLeft
            scale={y}
            numTicks={5}
            tickFormat={(v) => (spec.percent ? `${Math.round(Number(v) * 100)}%` : Number(v).toFixed(2))}
            tickLabelProps={() => ({ fontSize: 10, fill: "#475569", textAnchor: "end", dx: -2, dy: 3 })}
            stroke="#94a3b8"
            tickStroke="#94a3b8"
          />
          <AxisBottom
            top={H - M.top - M.bottom}
            scale={x}
            numTicks={Math.min(10, Math.max(2, maxEpochs))}
            tickFormat={(v) => (Number.isInteger(Number(v)) ? String(v) : "")}
            label="epoch"
            labelProps={{ fontSize: 10, fill: "#475569", textAnchor: "middle" }}
            tickLabelProps={() => ({ fontSize: 10, fill: "#475569", textAnchor: "middle" })}
            stroke="#94a3b8"
            tickStroke="#94a3b8"
          />
          {runs.map((run, i) => {
            const style = SERIES_STYLES[i]!;
            const pts = run.history.filter((p) => spec.get(p) !== null);
            return (
              <g key={letter(i)}>
                <LinePath<EpochPoint>
                  data={pts}
                  x={(p) => x(p.epoch)}
                  y={(p) => y(spec.get(p)!)}
                  stroke={style.color}
                  strokeWidth={2}
                  strokeDasharray={style.dash}
                />
                {pts.map((p) => (
                  <Marker key={p.epoch} style={style} x={x(p.epoch)} y={y(spec.get(p)!)} />
                ))}
              </g>
            );
          })}
        </Group>
      </svg>
    </figure>
  );
}

const num = (v: number | null | undefined) => (v == null ? "—" : v.toFixed(4));

/** Every run's loss and accuracy curves overlaid, one chart per metric, with the numbers in a table. */
export function CompareCurves({ runs }: { runs: CurveRun[] }) {
  const maxEpochs = Math.max(1, ...runs.map((r) => r.history.length));
  return (
    <div data-testid="compare-curves">
      <ul className="mb-3 flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-700" aria-label="Legend">
        {runs.map((run, i) => (
          <li key={letter(i)} className="flex items-center gap-1.5">
            <Swatch style={SERIES_STYLES[i]!} />
            <span>
              {run.name}
              <span className="sr-only">: {SERIES_STYLES[i]!.pattern}</span>
            </span>
          </li>
        ))}
      </ul>
      <div className="grid gap-4 sm:grid-cols-2">
        {CHARTS.map((spec) => (
          <Chart key={spec.key} spec={spec} runs={runs} maxEpochs={maxEpochs} />
        ))}
      </div>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-slate-600">Numbers per epoch</summary>
        <div className="overflow-x-auto">
          <table className="mt-2 min-w-full text-right font-mono text-xs tabular-nums">
            <caption className="sr-only">Loss and accuracy per epoch of each compared submission</caption>
            <thead className="text-slate-500">
              <tr>
                <th scope="col" className="px-2 py-1 text-left">
                  Submission
                </th>
                <th scope="col" className="px-2 py-1 text-left">
                  Epoch
                </th>
                {["Loss", "Val loss", "Accuracy", "Val accuracy"].map((label) => (
                  <th key={label} scope="col" className="px-2 py-1">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {runs.flatMap((run, i) =>
                run.history.map((h) => (
                  <tr key={`${letter(i)}-${h.epoch}`} className="border-t border-slate-100">
                    <th scope="row" className="px-2 py-1 text-left font-normal">
                      {run.name}
                    </th>
                    <td className="px-2 py-1 text-left">{h.epoch}</td>
                    <td className="px-2 py-1">{num(h.loss)}</td>
                    <td className="px-2 py-1">{num(h.valLoss)}</td>
                    <td className="px-2 py-1">{formatPercent(h.accuracy)}</td>
                    <td className="px-2 py-1">{formatPercent(h.valAccuracy)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
