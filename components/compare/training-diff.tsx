import type { TrainingFieldRow } from "@/lib/compare/diff";
import { cx } from "../ui";
import { RunColumnHeads } from "./run-column-heads";

/**
 * Every training field across the compared submissions: a cell that differs from the base is
 * highlighted, says so in words for screen readers, and shows the base's value under its own.
 */
export function TrainingDiff({
  rows,
  names,
  baseIndex,
}: {
  rows: TrainingFieldRow[];
  names: string[];
  baseIndex: number;
}) {
  const changedFields = rows.filter((r) => r.changed.some(Boolean)).length;
  return (
    <div>
      <p className="mb-2 text-xs text-slate-600">
        {changedFields === 0
          ? "The same training configuration."
          : `${changedFields} of ${rows.length} fields differ from the base (highlighted). Omitted fields show the trainer's defaults.`}
      </p>
      <div className="relative -mx-5 overflow-x-auto sm:-mx-6">
        <table className="min-w-full text-left text-sm" data-testid="training-diff">
          <caption className="sr-only">
            Training configuration of each submission; values that differ from the base are marked.
          </caption>
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="py-2 pl-5 pr-2 font-medium sm:pl-6">
                Field
              </th>
              <RunColumnHeads names={names} baseIndex={baseIndex} />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.field} data-testid={`training-row-${row.field}`}>
                <th scope="row" className="py-2 pl-5 pr-2 font-normal text-slate-700 sm:pl-6">
                  {row.label}
                </th>
                {row.values.map((value, i) => (
                  <td
                    // biome-ignore lint/suspicious/noArrayIndexKey: one column per compared submission, in order
                    key={i}
                    className={cx(
                      "px-3 py-2 font-mono tabular-nums",
                      i === row.values.length - 1 && "pr-5 sm:pr-6",
                      row.changed[i] && "bg-amber-100 font-semibold text-slate-900",
                    )}
                    data-changed={row.changed[i] ? "true" : undefined}
                    data-testid={`training-${row.field}-${i}`}
                  >
                    {value ?? "—"}
                    {row.changed[i] && (
                      <span className="block font-sans text-xs font-normal text-slate-600">
                        <span className="sr-only">changed; </span>base: {row.values[baseIndex] ?? "—"}
                      </span>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
