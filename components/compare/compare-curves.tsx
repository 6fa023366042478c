"use client";
import { Group } from "@visx/group";
import { LinePath } from "@visx/shape";
import { EPOCH_CHART, EpochAxes, epochScales } from "../charts/epoch-frame";
import type { EpochPoint } from "../charts/learning-curves";
import { formatPercent } from "../ui";
import { Marker, Swatch } from "./marker";
import { letter, SERIES_STYLES } from "./series";

export interface CurveRun {
  /** As the page names it ("A · first run"). */
  name: string;
  history: EpochPoint[];
}

const { W, H, M } = EPOCH_CHART;

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
  const { x, y } = epochScales(values, spec.percent, maxEpochs);
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
          <EpochAxes x={x} y={y} percent={spec.percent} maxEpochs={maxEpochs} />
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
