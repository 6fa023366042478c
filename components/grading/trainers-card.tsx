import type { QueueBoard } from "@/lib/queue-board";
import type { TrainerState } from "@/lib/server/services/trainers";
import { Card, cx, DataTable, dataCell, formatDate, pluralize } from "../ui";

// The trainer workers' health, as they report it (services/trainers.ts): whether queued runs will
// start, and for each worker what it is doing or why it can't train. Platform-wide, not per class.
// Rendered inside the live queue (live-queue.tsx), which refreshes it every few seconds.

const STATE_STYLES: Record<TrainerState, string> = {
  healthy: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  starting: "bg-sky-50 text-sky-800 ring-sky-300",
  unhealthy: "bg-rose-50 text-rose-800 ring-rose-300",
  lost: "bg-amber-50 text-amber-800 ring-amber-300",
};

const LABELS: Record<TrainerState, string> = {
  healthy: "Healthy",
  starting: "Starting",
  unhealthy: "Unhealthy",
  lost: "Lost",
};

function ago(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s ago` : `${Math.round(seconds / 60)} min ago`;
}

export function TrainersCard({
  health,
  jobNames = {},
}: {
  health: QueueBoard["trainers"];
  /** Names of this class's submissions by id: a worker training one shows its name. */
  jobNames?: Record<string, string>;
}) {
  const { trainers } = health;
  const counts = (["healthy", "starting", "unhealthy", "lost"] as const)
    .map((state) => ({ state, n: trainers.filter((t) => t.state === state).length }))
    .filter(({ n }) => n > 0)
    .map(({ state, n }) => `${n} ${LABELS[state].toLowerCase()}`);
  return (
    <Card headingId="trainers-heading" heading="Trainers" headingClassName="mb-1">
      <p className="mb-3 text-sm text-slate-600" data-testid="trainers-summary">
        {health.ready
          ? `Queued submissions start as soon as a trainer is free (${counts.join(", ")}).`
          : trainers.length === 0
            ? "No trainer is running: queued submissions wait until one starts (npm run worker)."
            : `No trainer can take jobs now (${counts.join(", ")}): queued submissions wait, and none of them fails for it.`}{" "}
        A trainer that sends no heartbeat for {pluralize(health.heartbeatSeconds, "second")} counts as lost; its run is
        retried on another.
      </p>
      {trainers.length > 0 && (
        <DataTable
          columns={[
            { label: "Trainer" },
            { label: "State" },
            { label: "Backend" },
            { label: "Doing" },
            { label: "Jobs done", numeric: true },
            { label: "Last heartbeat" },
            { label: "Started", edge: true },
          ]}
        >
          {trainers.map((t) => (
            <tr key={t.id} data-testid="trainer-row">
              <td className={`py-2.5 font-mono text-xs ${dataCell.edge}`}>{t.id}</td>
              <td className="min-w-48 px-3 py-2.5">
                <span
                  className={cx(
                    "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
                    STATE_STYLES[t.state],
                  )}
                >
                  {LABELS[t.state]}
                </span>
                {t.reason && t.state !== "healthy" && (
                  <p className="mt-1 text-xs text-slate-600" data-testid="trainer-reason">
                    {t.reason}
                  </p>
                )}
              </td>
              <td className="px-3 py-2.5">{t.backend ?? "—"}</td>
              <td className="px-3 py-2.5" data-testid="trainer-doing">
                {!t.submissionId
                  ? "idle"
                  : jobNames[t.submissionId]
                    ? `training “${jobNames[t.submissionId]}”`
                    : "training (another class)"}
              </td>
              <td className="px-3 py-2.5 text-right tabular-nums">{t.jobsDone}</td>
              <td className="whitespace-nowrap px-3 py-2.5 text-slate-500">
                <span data-testid="trainer-heartbeat">{ago(t.silentSeconds)}</span>
              </td>
              <td className={`whitespace-nowrap py-2.5 text-slate-500 ${dataCell.edge}`}>
                {formatDate(new Date(t.startedAt))}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}
