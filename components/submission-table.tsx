import Link from "next/link";
import type { ReactNode } from "react";
import type { SubmissionView } from "@/lib/server/services/submissions/view";
import { CompareCheckbox } from "./compare/compare-picker";
import { cx, DataTable, dataCell, formatDate, formatPercent, StatusBadge } from "./ui";

/**
 * Submissions, newest first, one row each. The class page lists them as they are; the graders'
 * manage page (`triage`) adds why a run failed, that a cancel is on its way, and a column of
 * actions. With `compare`, a leading column of tick boxes feeds the page's <CompareSelection>.
 */
export function SubmissionTable({
  submissions,
  showAuthor,
  triage = false,
  actions,
  rowTestId = "submission-row",
  className,
  compare = false,
}: {
  submissions: SubmissionView[];
  showAuthor: boolean;
  triage?: boolean;
  actions?: (submission: SubmissionView) => ReactNode;
  rowTestId?: string;
  className?: string;
  compare?: boolean;
}) {
  if (submissions.length === 0) {
    return <p className="text-sm text-slate-500">No submissions yet.</p>;
  }
  // Without an actions column, the date is the column at the card's edge.
  const last = actions ? dataCell.inner : dataCell.edge;
  return (
    <DataTable
      className={className}
      columns={[
        compare && { label: "Compare", hidden: true },
        { label: "Name", edge: !compare },
        showAuthor && { label: "Student" },
        { label: "Status" },
        { label: "Test accuracy", numeric: true },
        { label: "Submitted", edge: !actions },
        actions !== undefined && { label: "Actions", hidden: true, edge: true },
      ]}
    >
      {submissions.map((s) => (
        <tr key={s.id} data-testid={rowTestId}>
          {compare && (
            <td className={cx(dataCell.edge, "w-0 py-2.5 pr-0")}>
              <CompareCheckbox
                id={s.id}
                name={s.name}
                unavailable={s.status === "SUCCEEDED" ? undefined : "Only trained submissions can be compared."}
              />
            </td>
          )}
          <td className={cx(triage && "min-w-40", compare ? dataCell.inner : dataCell.edge, "py-2.5")}>
            <Link href={`/submissions/${s.id}`} className="font-medium text-brand-600 hover:text-brand-700">
              {s.name}
            </Link>
            {s.isFinal && (
              <span
                className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-800"
                title="Marked final by its author: the private board ranks the author's best final submission."
                data-testid="final-marker"
              >
                final
              </span>
            )}
            {triage && s.failureReason && <div className="max-w-xs text-xs text-rose-700">{s.failureReason}</div>}
          </td>
          {showAuthor && <td className={cx(triage && "min-w-32", "px-3 py-2.5")}>{s.author.name}</td>}
          <td className={cx(triage && "whitespace-nowrap", "px-3 py-2.5")}>
            <StatusBadge status={s.status} />
            {triage && s.cancelRequested && s.status === "RUNNING" && (
              <span className="ml-1 text-xs text-amber-700">cancelling…</span>
            )}
          </td>
          <td className="px-3 py-2.5 text-right font-mono tabular-nums">{formatPercent(s.result?.testAccuracy)}</td>
          <td className={cx("whitespace-nowrap py-2.5 text-slate-500", last)}>{formatDate(s.createdAt)}</td>
          {actions && <td className={cx(dataCell.edge, "py-2.5 text-right")}>{actions(s)}</td>}
        </tr>
      ))}
    </DataTable>
  );
}
