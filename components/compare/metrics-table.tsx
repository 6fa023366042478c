import type { ComparedSubmission } from "@/lib/server/services/compare/compare-submissions";
import { formatFlops } from "@/trainer/arch";
import { cx, formatCount, formatDuration, formatPercent } from "../ui";
import { RunColumnHeads } from "./run-column-heads";
import { signed } from "./series";

interface Metric {
  key: string;
  label: string;
  value: (s: ComparedSubmission) => number | null;
  format: (v: number) => string;
  /** The difference from the base, in words and numbers. */
  delta: (v: number, base: number) => string;
  /** Higher is better (accuracy) or worse (cost): said in words beside the delta. */
  better: "higher" | "lower" | null;
}

const pp = (v: number, base: number) => `${signed((v - base) * 100, 2)} pp`;

/** The headline numbers side by side, each non-base cell with its difference from the base. */
export function MetricsTable({
  submissions,
  names,
  baseIndex,
  seesPrivate,
}: {
  submissions: ComparedSubmission[];
  names: string[];
  baseIndex: number;
  seesPrivate: boolean;
}) {
  const metrics: Metric[] = [
    {
      key: "accuracy",
      label: seesPrivate ? "Test accuracy (10,000 images)" : "Test accuracy (public half)",
      value: (s) => s.result?.testAccuracy ?? null,
      format: (v) => formatPercent(v),
      delta: pp,
      better: "higher",
    },
    ...(seesPrivate
      ? ([
          {
            key: "public",
            label: "Public accuracy",
            value: (s) => s.result?.publicAccuracy ?? null,
            format: (v) => formatPercent(v),
            delta: pp,
            better: "higher",
          },
          {
            key: "private",
            label: "Private accuracy",
            value: (s) => s.result?.privateAccuracy ?? null,
            format: (v) => formatPercent(v),
            delta: pp,
            better: "higher",
          },
        ] satisfies Metric[])
      : []),
    {
      key: "params",
      label: "Parameters",
      value: (s) => s.result?.paramCount ?? null,
      format: formatCount,
      delta: (v, b) => signed(v - b).replace(/\d+/, (d) => formatCount(Number(d))),
      better: null,
    },
    {
      key: "flops",
      label: "FLOPs per image",
      value: (s) => s.summary?.flopsPerSample ?? null,
      format: formatFlops,
      delta: (v, b) => (b > 0 ? `${(v / b).toFixed(2)}× the base` : ""),
      better: null,
    },
    {
      key: "time",
      label: "Training time",
      value: (s) => s.result?.trainDurationMs ?? null,
      format: formatDuration,
      delta: (v, b) => `${v >= b ? "+" : "−"}${formatDuration(Math.abs(v - b))}`,
      better: null,
    },
    {
      key: "epochs",
      label: "Epochs trained",
      value: (s) => s.result?.epochs ?? null,
      format: String,
      delta: (v, b) => signed(v - b),
      better: null,
    },
  ];
  return (
    <div className="relative -mx-5 overflow-x-auto sm:-mx-6">
      <table className="min-w-full text-left text-sm" data-testid="compare-metrics">
        <caption className="sr-only">
          Accuracy, size and cost of each submission, with the difference from the base
        </caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pl-5 pr-2 font-medium sm:pl-6">
              <span className="sr-only">Measure</span>
            </th>
            <RunColumnHeads names={names} baseIndex={baseIndex} numeric />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {metrics.map((m) => {
            const base = m.value(submissions[baseIndex]!);
            return (
              <tr key={m.key} data-testid={`metric-${m.key}`}>
                <th scope="row" className="py-2 pl-5 pr-2 font-normal text-slate-700 sm:pl-6">
                  {m.label}
                </th>
                {submissions.map((s, i) => {
                  const v = m.value(s);
                  return (
                    <td
                      key={s.id}
                      className={cx(
                        "px-3 py-2 text-right tabular-nums",
                        i === submissions.length - 1 && "pr-5 sm:pr-6",
                      )}
                    >
                      <span className="font-mono" data-testid={`metric-${m.key}-${i}`}>
                        {v === null ? "—" : m.format(v)}
                      </span>
                      {i !== baseIndex && v !== null && base !== null && (
                        <span className="block text-xs text-slate-500">
                          {m.delta(v, base)}
                          {m.better === "higher" && v !== base && <span> ({v > base ? "better" : "worse"})</span>}
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
