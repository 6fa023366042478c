"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useState } from "react";
import type { SubmissionStatus } from "@/generated/prisma/enums";
import type { TrainingProgress } from "@/lib/progress";
import { isTerminal } from "@/lib/submission-status";
import { LearningCurves } from "../charts/learning-curves";
import { SubmitButton } from "../submit-button";
import { type FormAction, formatCount, formatDuration, StatusBadge } from "../ui";

/** What the worker writes into Submission.progress. */
export type Progress = TrainingProgress;

function fraction(p: Progress, maxEpochs: number): number {
  const epochs = p.maxEpochs ?? maxEpochs;
  if (!epochs || !p.epoch) return 0;
  // During an epoch `epoch` is the one running (with batch/batches); at its end, the one finished.
  const done = p.batch && p.batches ? p.epoch - 1 + p.batch / p.batches : p.epoch;
  return Math.min(1, Math.max(0, done / epochs));
}

export function LiveStatus({
  submissionId,
  initialStatus,
  initialProgress,
  startedAt,
  maxEpochs,
  cancelRequested,
  canCancel,
  cancelAction,
}: {
  submissionId: string;
  initialStatus: SubmissionStatus;
  initialProgress: Progress | null;
  startedAt: string | null;
  maxEpochs: number;
  cancelRequested: boolean;
  canCancel: boolean;
  cancelAction: FormAction;
}) {
  const router = useRouter();
  const [status, setStatus] = useState(initialStatus);
  const [progress, setProgress] = useState<Progress>(initialProgress ?? {});
  const [started, setStarted] = useState<number | null>(startedAt ? Date.parse(startedAt) : null);
  const [cancelState, cancel] = useActionState(cancelAction, {});
  const [connection, setConnection] = useState<"live" | "reconnecting" | "closed">("live");
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (isTerminal(initialStatus)) return;
    const source = new EventSource(`/api/submissions/${submissionId}/events`);
    source.addEventListener("progress", (e) => {
      const update = JSON.parse((e as MessageEvent<string>).data) as {
        status: SubmissionStatus;
        progress: Progress | null;
      };
      setStatus(update.status);
      setProgress(update.progress ?? {});
      setConnection("live");
      if (update.status === "RUNNING") setStarted((s) => s ?? Date.now());
    });
    source.addEventListener("done", () => {
      source.close();
      setConnection("closed");
      router.refresh(); // the server page now renders the results
    });
    source.onerror = () => setConnection(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    return () => source.close();
  }, [initialStatus, submissionId, router]);

  useEffect(() => {
    if (status !== "RUNNING") return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [status]);

  const epochs = progress.maxEpochs ?? maxEpochs;
  const f = fraction(progress, maxEpochs);
  const history = progress.history ?? [];
  // The worker's ETA is refreshed at each epoch end; in between, extrapolate from the elapsed time.
  const elapsed = started ? now - started : null;
  const eta =
    progress.etaMs !== undefined && progress.batch === undefined
      ? progress.etaMs
      : elapsed && f > 0.02
        ? (elapsed * (1 - f)) / f
        : null;
  const running = status === "RUNNING";
  const percent = Math.round(f * 100);
  const valueText =
    status === "QUEUED"
      ? "Waiting in the queue"
      : progress.epoch
        ? `Epoch ${progress.epoch} of ${epochs}${progress.batch && progress.batches ? `, batch ${progress.batch} of ${progress.batches}` : ""}, ${percent} %`
        : progress.phase === "starting"
          ? "Loading the data"
          : "Starting";

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-2" aria-live="polite">
          <StatusBadge status={status} />
          <span className="text-sm text-slate-600" data-testid="progress-text">
            {isTerminal(status) ? "Finished; loading the results…" : valueText}
          </span>
        </div>
        {canCancel && !isTerminal(status) && (
          <form action={cancel}>
            <input type="hidden" name="submissionId" value={submissionId} />
            {cancelRequested || cancelState.values?.cancelRequested === "true" ? (
              <span className="text-sm text-amber-700">Cancelling…</span>
            ) : (
              <SubmitButton variant="danger" pendingText="Cancelling…">
                Cancel training
              </SubmitButton>
            )}
          </form>
        )}
      </div>
      {cancelState.error && (
        <p role="alert" className="text-sm text-rose-700">
          {cancelState.error}
        </p>
      )}
      <div>
        <div
          role="progressbar"
          aria-label="Training progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={valueText}
          className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
          data-testid="progress-bar"
        >
          <div
            className={`h-full rounded-full bg-brand-600 transition-[width] duration-700 ${running && f === 0 ? "animate-pulse" : ""}`}
            style={{ width: `${Math.max(percent, running ? 2 : 0)}%` }}
          />
        </div>
        <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-xs text-slate-500">Epoch</dt>
            <dd className="font-mono tabular-nums" data-testid="progress-epoch">
              {progress.epoch ?? 0} of {epochs}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">Samples/s</dt>
            <dd className="font-mono tabular-nums">
              {progress.samplesPerSec ? formatCount(Math.round(progress.samplesPerSec)) : "—"}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">ETA (at most)</dt>
            <dd className="font-mono tabular-nums">
              {eta !== null && running ? formatDuration(Math.round(eta)) : "—"}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">Loss (this epoch)</dt>
            <dd className="font-mono tabular-nums">{progress.loss !== undefined ? progress.loss.toFixed(4) : "—"}</dd>
          </div>
        </dl>
        {connection === "reconnecting" && <p className="mt-1 text-xs text-amber-700">Connection lost; reconnecting…</p>}
      </div>
      <LearningCurves history={history} maxEpochs={epochs} />
    </div>
  );
}
