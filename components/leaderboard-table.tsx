import type { LeaderboardRow } from "@/lib/server/services/leaderboard";
import { formatDuration, formatPercent } from "./ui";

export function LeaderboardTable({ rows, showPrivate }: { rows: LeaderboardRow[]; showPrivate: boolean }) {
  if (rows.length === 0) {
    return <p className="text-sm text-slate-500">No trained models yet. The first finished submission takes the top spot.</p>;
  }
  return (
    <div className="-mx-5 overflow-x-auto sm:-mx-6">
      <table className="min-w-full text-left text-sm">
        <caption className="sr-only">Class leaderboard, best submission per student</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-5 py-2 font-medium sm:px-6">#</th>
            <th scope="col" className="px-3 py-2 font-medium">Student</th>
            <th scope="col" className="px-3 py-2 font-medium">Submission</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Public accuracy</th>
            {showPrivate && <th scope="col" className="px-3 py-2 text-right font-medium">Private accuracy</th>}
            <th scope="col" className="px-3 py-2 text-right font-medium">Params</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Epochs</th>
            <th scope="col" className="px-5 py-2 text-right font-medium sm:px-6">Training time</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.submissionId} data-testid="leaderboard-row">
              <td className="px-5 py-2.5 font-semibold tabular-nums sm:px-6">{r.rank}</td>
              <td className="px-3 py-2.5">{r.student.name}</td>
              <td className="px-3 py-2.5 text-slate-600">{r.submissionName}</td>
              <td className="px-3 py-2.5 text-right font-mono tabular-nums">{formatPercent(r.publicAccuracy)}</td>
              {showPrivate && <td className="px-3 py-2.5 text-right font-mono tabular-nums">{formatPercent(r.privateAccuracy)}</td>}
              <td className="px-3 py-2.5 text-right tabular-nums">{r.paramCount.toLocaleString("en-US")}</td>
              <td className="px-3 py-2.5 text-right tabular-nums">{r.epochs}</td>
              <td className="px-5 py-2.5 text-right tabular-nums sm:px-6">{formatDuration(r.trainDurationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
