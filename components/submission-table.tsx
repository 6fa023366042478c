import Link from "next/link";
import type { SubmissionView } from "@/lib/server/services/submissions/view";
import { formatDate, formatPercent, StatusBadge } from "./ui";

export function SubmissionTable({ submissions, showAuthor }: { submissions: SubmissionView[]; showAuthor: boolean }) {
  if (submissions.length === 0) {
    return <p className="text-sm text-slate-500">No submissions yet.</p>;
  }
  return (
    <div className="-mx-5 overflow-x-auto sm:-mx-6">
      <table className="min-w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-5 py-2 font-medium sm:px-6">
              Name
            </th>
            {showAuthor && (
              <th scope="col" className="px-3 py-2 font-medium">
                Student
              </th>
            )}
            <th scope="col" className="px-3 py-2 font-medium">
              Status
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Test accuracy
            </th>
            <th scope="col" className="px-5 py-2 font-medium sm:px-6">
              Submitted
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {submissions.map((s) => (
            <tr key={s.id} data-testid="submission-row">
              <td className="px-5 py-2.5 sm:px-6">
                <Link href={`/submissions/${s.id}`} className="font-medium text-brand-600 hover:text-brand-700">
                  {s.name}
                </Link>
              </td>
              {showAuthor && <td className="px-3 py-2.5">{s.author.name}</td>}
              <td className="px-3 py-2.5">
                <StatusBadge status={s.status} />
              </td>
              <td className="px-3 py-2.5 text-right font-mono tabular-nums">{formatPercent(s.result?.testAccuracy)}</td>
              <td className="whitespace-nowrap px-5 py-2.5 text-slate-500 sm:px-6">{formatDate(s.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
