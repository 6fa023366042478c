"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { QueueBoard } from "@/lib/queue-board";
import { Card, DataTable, dataCell, pluralize, StatusBadge } from "../ui";
import { TrainersCard } from "./trainers-card";

// The manage page's queue and trainers, live: the class's queued and running submissions in the
// order they will start (positions count every class's runs: they share the trainers), and every
// worker with its heartbeat. Polls the small JSON route every few seconds while the tab is shown.

const POLL_MS = 3000;

function roughly(seconds: number | null): string {
  if (seconds === null) return "—";
  return seconds < 90 ? `${Math.max(0, Math.round(seconds))} s` : `${Math.round(seconds / 60)} min`;
}

export function LiveQueue({ classSlug, initial }: { classSlug: string; initial: QueueBoard }) {
  const [board, setBoard] = useState(initial);
  const [stale, setStale] = useState(false);

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      if (document.hidden) return;
      try {
        const response = await fetch(`/api/classes/${encodeURIComponent(classSlug)}/queue`, { cache: "no-store" });
        if (!response.ok) throw new Error(String(response.status));
        const next = (await response.json()) as QueueBoard;
        if (!stopped) {
          setBoard(next);
          setStale(false);
        }
      } catch {
        if (!stopped) setStale(true);
      }
    };
    const timer = setInterval(poll, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [classSlug]);

  const { entries } = board;
  const jobNames = Object.fromEntries(entries.map((e) => [e.submissionId, e.name]));
  return (
    <div className="space-y-6">
      <Card headingId="queue-heading" heading="Queue" headingClassName="mb-1">
        <p className="mb-3 text-sm text-slate-600" data-testid="queue-summary">
          {entries.length === 0
            ? "Nothing of this class is queued or running."
            : `${pluralize(entries.filter((e) => e.status === "RUNNING").length, "run")} training, ${pluralize(entries.filter((e) => e.status === "QUEUED").length, "run")} waiting.`}{" "}
          The oldest run starts first, one run per student at a time; positions count every class&apos;s runs (
          {pluralize(board.otherClassesQueued, "run")} of other classes waiting). ETA: {board.basis}.
          {stale && <span className="text-amber-700"> Not updating: the last refresh failed.</span>}
        </p>
        {entries.length > 0 && (
          <DataTable
            columns={[
              { label: "Position", numeric: true },
              { label: "Submission" },
              { label: "Student" },
              { label: "Status" },
              { label: "Starts in", numeric: true },
              { label: "Done in (at most)", numeric: true, edge: true },
            ]}
          >
            {entries.map((e) => (
              <tr key={e.submissionId} data-testid="queue-row">
                <td className={`py-2.5 text-right tabular-nums ${dataCell.edge}`} data-testid="queue-row-position">
                  {e.position ?? "—"}
                </td>
                <td className="px-3 py-2.5">
                  <Link
                    href={`/submissions/${e.submissionId}`}
                    className="font-medium text-brand-600 hover:text-brand-700"
                  >
                    {e.name}
                  </Link>
                </td>
                <td className="px-3 py-2.5">{e.authorName}</td>
                <td className="px-3 py-2.5">
                  <StatusBadge status={e.status} />
                  {e.workerId && <span className="ml-2 font-mono text-xs text-slate-500">{e.workerId}</span>}
                </td>
                <td className="px-3 py-2.5 text-right tabular-nums">
                  {e.status === "RUNNING" ? "started" : roughly(e.startsInSeconds)}
                </td>
                <td className={`py-2.5 text-right tabular-nums ${dataCell.edge}`}>{roughly(e.etaSeconds)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
      <TrainersCard health={board.trainers} jobNames={jobNames} />
    </div>
  );
}
