"use client";
import { Group } from "@visx/group";
import { LinePath } from "@visx/shape";
import { formatPercent, TableHead } from "../ui";
import { EPOCH_CHART, EpochAxes, epochScales } from "./epoch-frame";

export interface EpochPoint {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

// Okabe–Ito blue and orange (colour-blind safe), and validation dashed so colour is never the only cue.
const SERIES = [
  { key: "train", label: "Training", color: "#0072B2", dash: undefined },
  { key: "val", label: "Validation", color: "#D55E00", dash: "6 4" },
] as const;

const { W, H, M } = EPOCH_CHART;

function Chart({
  title,
  points,
  train,
  val,
  percent,
  maxEpochs,
}: {
  title: string;
  points: EpochPoint[];
  train: (p: EpochPoint) => number;
  val: (p: EpochPoint) => number | null;
  percent: boolean;
  maxEpochs: number;
}) {
  const values = points.flatMap((p) => [train(p), val(p)]).filter((v): v is number => v !== null && Number.isFinite(v));
  const { x, y } = epochScales(values, percent, Math.max(maxEpochs, points.length));
  const series = [
    { ...SERIES[0], get: train },
    { ...SERIES[1], get: val },
  ];
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 text-sm font-medium">{title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-auto w-full"
        role="img"
        aria-label={`${title} per epoch, training and validation; the numbers are in the table below.`}
      >
        <Group left={M.left} top={M.top}>
          <EpochAxes x={x} y={y} percent={percent} maxEpochs={maxEpochs} />
          {series.map((s) => {
            const pts = points.filter((p) => s.get(p) !== null);
            return (
              <g key={s.key}>
                <LinePath<EpochPoint>
                  data={pts}
                  x={(p) => x(p.epoch)}
                  y={(p) => y(s.get(p)!)}
                  stroke={s.color}
                  strokeWidth={2}
                  strokeDasharray={s.dash}
                />
                {pts.map((p) => (
                  <circle
                    key={p.epoch}
                    cx={x(p.epoch)}
                    cy={y(s.get(p)!)}
                    r={3}
                    fill={s.key === "train" ? s.color : "#fff"}
                    stroke={s.color}
                    strokeWidth={1.5}
                  />
                ))}
              </g>
            );
          })}
        </Group>
      </svg>
    </figure>
  );
}

const num = (v: number | null) => (v === null ? "—" : v.toFixed(4));

const EPOCH_COLUMNS = [
  { label: "Epoch", className: "text-left" },
  ...["Loss", "Val loss", "Accuracy", "Val accuracy"].map((label) => ({ label })),
];

export function LearningCurves({ history, maxEpochs }: { history: EpochPoint[]; maxEpochs: number }) {
  if (history.length === 0) {
    return <p className="text-sm text-slate-500">The curves appear after the first epoch.</p>;
  }
  return (
    <div>
      <ul className="mb-2 flex gap-4 text-xs text-slate-600" aria-label="Legend">
        {SERIES.map((s) => (
          <li key={s.key} className="flex items-center gap-1.5">
            <svg width="24" height="8" aria-hidden>
              <line x1="0" x2="24" y1="4" y2="4" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash} />
            </svg>
            {s.label}
          </li>
        ))}
      </ul>
      <div className="grid gap-4 sm:grid-cols-2" data-testid="learning-curves">
        <Chart
          title="Loss"
          points={history}
          train={(p) => p.loss}
          val={(p) => p.valLoss}
          percent={false}
          maxEpochs={maxEpochs}
        />
        <Chart
          title="Accuracy"
          points={history}
          train={(p) => p.accuracy}
          val={(p) => p.valAccuracy}
          percent
          maxEpochs={maxEpochs}
        />
      </div>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-slate-600">Numbers per epoch</summary>
        <div className="overflow-x-auto">
          <table className="mt-2 min-w-full text-right font-mono text-xs tabular-nums">
            <TableHead columns={EPOCH_COLUMNS} className="text-slate-500" cellClassName="px-2 py-1" />
            <tbody>
              {history.map((h) => (
                <tr key={h.epoch} className="border-t border-slate-100">
                  <th scope="row" className="px-2 py-1 text-left font-normal">
                    {h.epoch}
                  </th>
                  <td className="px-2 py-1">{num(h.loss)}</td>
                  <td className="px-2 py-1">{num(h.valLoss)}</td>
                  <td className="px-2 py-1">{formatPercent(h.accuracy)}</td>
                  <td className="px-2 py-1">{formatPercent(h.valAccuracy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
