"use client";
// Over 300 lines: one table with its sorting, modes, baselines and polling; split, its pieces
// would pass most of this state back and forth.
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import type { BoardMode, BoardView } from "@/lib/server/services/board";
import { CompareCheckbox } from "../compare/compare-picker";
import { cx, formatCount, formatDuration, formatPercent } from "../ui";

type Row = BoardView["rows"][number];
type SortKey =
  | "rank"
  | "student"
  | "submission"
  | "public"
  | "private"
  | "change"
  | "params"
  | "epochs"
  | "time"
  | "submitted";

/** The course report's three reference models (shipped as the presets too): shown on the board, never ranked. */
const BASELINES = [
  { name: "Report: one hidden layer, 512 sigmoid", publicAccuracy: 0.7356, paramCount: 407_050, epochs: null },
  { name: "Report: MLP 128 tanh / 64 sigmoid", publicAccuracy: 0.8807, paramCount: 109_386, epochs: 14 },
  { name: "Report: CNN Conv 64 k2 → Conv 16 k2", publicAccuracy: 0.9124, paramCount: 106_202, epochs: null },
] as const;

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: "rank", label: "#", numeric: true },
  { key: "student", label: "Student" },
  { key: "submission", label: "Submission" },
  { key: "public", label: "Public accuracy", numeric: true },
  { key: "private", label: "Private accuracy", numeric: true },
  { key: "change", label: "Δ prev. best", numeric: true },
  { key: "params", label: "Params", numeric: true },
  { key: "epochs", label: "Epochs", numeric: true },
  { key: "time", label: "Training time", numeric: true },
  { key: "submitted", label: "Submitted", numeric: true },
];

const value = (r: Row, key: SortKey): number | string => {
  switch (key) {
    case "rank":
      return r.rank;
    case "student":
      return r.student.name.toLowerCase();
    case "submission":
      return r.submissionName.toLowerCase();
    case "public":
      return r.publicAccuracy;
    case "private":
      return r.privateAccuracy ?? -1;
    case "change":
      return r.previousBest === null ? -2 : r.score - r.previousBest;
    case "params":
      return r.paramCount;
    case "epochs":
      return r.epochs;
    case "time":
      return r.trainDurationMs;
    case "submitted":
      return Date.parse(r.submittedAt);
  }
};

/**
 * A row's change since its student's previous best, in percentage points: arrow and sign say the
 * direction (not colour alone); a first submission says so.
 */
function ChangeCell({ row }: { row: Row }) {
  if (row.previousBest === null) {
    return <span className="text-xs text-slate-500">first</span>;
  }
  const points = (row.score - row.previousBest) * 100;
  const label =
    points > 0
      ? `up ${points.toFixed(2)} points on their previous best`
      : points < 0
        ? `down ${(-points).toFixed(2)} points from their previous best`
        : "equal to their previous best";
  return (
    <span
      title={`Previous best ${formatPercent(row.previousBest)}`}
      className={cx(
        "font-mono tabular-nums",
        points > 0 ? "text-sky-700" : points < 0 ? "text-orange-700" : "text-slate-500",
      )}
    >
      <span aria-hidden>
        {points > 0 ? "▲ +" : points < 0 ? "▼ −" : "= "}
        {Math.abs(points).toFixed(2)} pp
      </span>
      <span className="sr-only">{label}</span>
    </span>
  );
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "short", timeStyle: "short", timeZone: "UTC" });

export function LeaderboardPanel({
  classSlug,
  initial,
  viewerId,
  opensEverySubmission,
  compareOthers = false,
  pollMs = 4000,
}: {
  classSlug: string;
  initial: BoardView;
  viewerId: string;
  /** The viewer may open any row's submission (graders); others open only their own. */
  opensEverySubmission: boolean;
  /** Others' rows can be ticked for comparing too (graders, or while the class shows architectures). */
  compareOthers?: boolean;
  pollMs?: number;
}) {
  const [board, setBoard] = useState(initial);
  const [mode, setMode] = useState<BoardMode>(initial.mode);
  const [sort, setSort] = useState<{ key: SortKey; dir: "ascending" | "descending" }>({
    key: "rank",
    dir: "ascending",
  });
  const [showBaselines, setShowBaselines] = useState(true);

  // Keeps the board current while jobs run: a cheap JSON poll, paused in background tabs.
  useEffect(() => {
    let stopped = false;
    const load = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const r = await fetch(`/api/classes/${classSlug}/leaderboard?mode=${mode}`, { cache: "no-store" });
        if (r.ok && !stopped) setBoard((await r.json()) as BoardView);
      } catch {
        // offline for a moment: the next tick tries again
      }
    };
    if (mode !== board.mode) void load();
    const t = setInterval(load, pollMs);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [classSlug, mode, pollMs, board.mode]);

  const columns = COLUMNS.filter((c) => c.key !== "private" || board.showPrivate);
  const rows = useMemo(() => {
    const sorted = [...board.rows].sort((a, b) => {
      const va = value(a, sort.key);
      const vb = value(b, sort.key);
      const c = va < vb ? -1 : va > vb ? 1 : a.rank - b.rank;
      return sort.dir === "ascending" ? c : -c;
    });
    return sorted;
  }, [board.rows, sort]);

  // Reference rows sit where their accuracy would rank them, when sorted by rank or accuracy.
  const byAccuracy = sort.key === "rank" || sort.key === "public";
  type Line = { kind: "row"; row: Row } | { kind: "baseline"; b: (typeof BASELINES)[number] };
  const lines: Line[] = rows.map((row) => ({ kind: "row", row }));
  if (showBaselines) {
    for (const b of BASELINES) {
      let at = lines.length;
      if (byAccuracy) {
        const desc = (sort.key === "rank") === (sort.dir === "ascending");
        const acc = (l: Line) => (l.kind === "row" ? l.row.publicAccuracy : l.b.publicAccuracy);
        at = lines.findIndex((l) => (desc ? acc(l) < b.publicAccuracy : acc(l) > b.publicAccuracy));
        if (at === -1) at = lines.length;
      }
      lines.splice(at, 0, { kind: "baseline", b });
    }
  }

  const toggleSort = (key: SortKey) =>
    setSort((s) =>
      s.key === key
        ? { key, dir: s.dir === "ascending" ? "descending" : "ascending" }
        : { key, dir: key === "rank" || key === "student" || key === "submission" ? "ascending" : "descending" },
    );

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <div
          role="radiogroup"
          aria-label="Which submissions"
          className="flex overflow-hidden rounded-md text-sm ring-1 ring-slate-300"
        >
          {(board.showPrivate ? (["best", "all", "private"] as const) : (["best", "all"] as const)).map((m) => (
            <button
              key={m}
              type="button"
              role="radio"
              aria-checked={mode === m}
              onClick={() => setMode(m)}
              className={cx(
                "px-3 py-1",
                mode === m ? "bg-brand-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50",
              )}
            >
              {m === "best" ? "Best per student" : m === "all" ? "All submissions" : "Private board"}
            </button>
          ))}
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-600">
          <input
            type="checkbox"
            checked={showBaselines}
            onChange={(e) => setShowBaselines(e.target.checked)}
            className="h-4 w-4 rounded border-slate-300"
          />
          Report baselines
        </label>
      </div>
      {board.rows.length === 0 && (
        <p className="mb-2 text-sm text-slate-500">
          No trained models yet. The first finished submission takes the top spot.
        </p>
      )}
      {/* relative: the cells' screen-reader text (absolutely placed) stays inside this scroller on phones. */}
      <div className="relative -mx-5 overflow-x-auto sm:-mx-6">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">
            Class leaderboard,{" "}
            {mode === "best"
              ? "best submission per student"
              : mode === "all"
                ? "all submissions"
                : "private board: best final submission per student"}
            , with the course report&apos;s baselines as reference rows. Δ prev. best: each row&apos;s score against the
            student&apos;s best before it. Column headers are buttons that sort the table.
          </caption>
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              {columns.map((c, i) => (
                <th
                  key={c.key}
                  scope="col"
                  aria-sort={sort.key === c.key ? sort.dir : undefined}
                  className={cx(
                    "py-2 font-medium",
                    c.numeric && c.key !== "rank" ? "text-right" : "",
                    i === 0 ? "pl-5 pr-2 sm:pl-6" : i === columns.length - 1 ? "pl-3 pr-5 sm:pr-6" : "px-3",
                  )}
                >
                  <button
                    type="button"
                    onClick={() => toggleSort(c.key)}
                    className="inline-flex items-center gap-1 uppercase hover:text-slate-900"
                  >
                    {c.label}
                    <span aria-hidden className="text-[10px]">
                      {sort.key === c.key ? (sort.dir === "ascending" ? "▲" : "▼") : "↕"}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {lines.map((line) =>
              line.kind === "baseline" ? (
                <tr key={line.b.name} className="bg-slate-50 text-slate-500" data-testid="baseline-row">
                  <td className="pl-5 pr-2 py-2 sm:pl-6" aria-label="reference">
                    —
                  </td>
                  <td className="px-3 py-2 italic" colSpan={2}>
                    {line.b.name}
                  </td>
                  <td className="px-3 py-2 text-right font-mono tabular-nums">
                    {formatPercent(line.b.publicAccuracy)}
                  </td>
                  {board.showPrivate && (
                    <td className="px-3 py-2 text-right font-mono tabular-nums">
                      {formatPercent(line.b.publicAccuracy)}
                    </td>
                  )}
                  <td className="px-3 py-2 text-right">—</td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatCount(line.b.paramCount)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{line.b.epochs ?? "—"}</td>
                  <td className="px-3 py-2 text-right">—</td>
                  <td className="pl-3 pr-5 py-2 text-right sm:pr-6">report</td>
                </tr>
              ) : (
                <tr
                  key={line.row.submissionId}
                  data-testid="leaderboard-row"
                  className={line.row.student.id === viewerId ? "bg-brand-50/60" : undefined}
                >
                  <td className="pl-5 pr-2 py-2.5 font-semibold tabular-nums sm:pl-6">
                    {(compareOthers || line.row.student.id === viewerId) && (
                      <span className="mr-2">
                        <CompareCheckbox
                          id={line.row.submissionId}
                          name={`${line.row.submissionName} by ${line.row.student.name}`}
                        />
                      </span>
                    )}
                    {line.row.rank}
                  </td>
                  <td className="px-3 py-2.5">{line.row.student.name}</td>
                  <td className="px-3 py-2.5 text-slate-600">
                    {opensEverySubmission || line.row.student.id === viewerId ? (
                      <Link
                        href={`/submissions/${line.row.submissionId}`}
                        className="text-brand-600 hover:text-brand-700"
                      >
                        {line.row.submissionName}
                      </Link>
                    ) : (
                      line.row.submissionName
                    )}
                    {line.row.isFinal && (
                      <span
                        className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-800"
                        data-testid="final-marker"
                      >
                        final
                      </span>
                    )}
                    {line.row.hasModel && line.row.student.id !== viewerId && !opensEverySubmission && (
                      <Link
                        href={`/submissions/${line.row.submissionId}/model`}
                        className="ml-2 text-xs font-medium text-brand-600 hover:text-brand-700"
                        aria-label={`Try ${line.row.submissionName} by ${line.row.student.name}`}
                      >
                        Try it
                      </Link>
                    )}
                  </td>
                  <td className="px-3 py-2.5 text-right font-mono tabular-nums">
                    {formatPercent(line.row.publicAccuracy)}
                  </td>
                  {board.showPrivate && (
                    <td className="px-3 py-2.5 text-right font-mono tabular-nums">
                      {formatPercent(line.row.privateAccuracy)}
                    </td>
                  )}
                  <td className="px-3 py-2.5 text-right whitespace-nowrap" data-testid="change-since-previous-best">
                    <ChangeCell row={line.row} />
                  </td>
                  <td className="px-3 py-2.5 text-right tabular-nums">{formatCount(line.row.paramCount)}</td>
                  <td className="px-3 py-2.5 text-right tabular-nums">{line.row.epochs}</td>
                  <td className="px-3 py-2.5 text-right tabular-nums">{formatDuration(line.row.trainDurationMs)}</td>
                  <td className="pl-3 pr-5 py-2.5 text-right tabular-nums whitespace-nowrap sm:pr-6">
                    {dateFormat.format(new Date(line.row.submittedAt))}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
      <p className="mt-2 text-xs text-slate-500" data-testid="board-rule">
        {board.mode === "private"
          ? `Private board: each student's best final submission (up to ${board.finalSelectionsMax}, marked before the deadline) by private accuracy, or their best overall when none is marked.`
          : board.showPrivate
            ? "Ranked on the public half of the test set. The private board ranks each student's final selections."
            : `Ranked on the public half of the test set; the private half is revealed by the grader. The private board will rank each student's best final submission (mark up to ${board.finalSelectionsMax} on your submissions before the deadline), or their best overall when none is marked.`}{" "}
        <span data-testid="board-ties">Equal scores: the earlier submission ranks higher.</span>
      </p>
    </div>
  );
}
