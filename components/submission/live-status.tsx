"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useState } from "react";
import type { SubmissionStatus } from "@/generated/prisma/enums";
import type { TrainingProgress } from "@/lib/progress";
import type { QueuePlace } from "@/lib/server/services/submissions/watch-submission";
import type { TrainerSummary } from "@/lib/server/services/trainers";
import { isTerminal } from "@/lib/submission-status";
import { LearningCurves } from "../charts/learning-curves";
import { SubmitButton } from "../submit-button";
import { type FormAction, formatCount, formatDuration, StatusBadge } from "../ui";
import { useTabTitle } from "../use-tab-title";

/** What the worker writes into Submission.progress. */
export type Progress = TrainingProgress;

/** After the stream is refused (a 503 while the database restarts), how long until a new one. */
const RECONNECT_MS = 5000;

/** Why a queued run isn't starting, when no trainer can take it; null when one can. */
function notReady(trainers: TrainerSummary | null): string | null {
  if (!trainers || trainers.ready) return null;
  if (trainers.reasons.length) return trainers.reasons.map((r) => r.reason).join("; ");
  if (trainers.starting) return "a trainer is starting up (loading its backend and the data set).";
  if (trainers.lost) return "the trainers stopped reporting (they may be restarting).";
  return "no trainer is running.";
}

/** Seconds as people say them: "40 s", "3 min". */
function roughly(seconds: number): string {
  return seconds < 90 ? `${Math.max(1, Math.round(seconds))} s` : `${Math.round(seconds / 60)} min`;
}

function fraction(p: Progress, maxEpochs: number): number {
  const epochs = p.maxEpochs ?? maxEpochs;
  if (!epochs || !p.epoch) return 0;
  // During an epoch `epoch` is the one running (with batch/batches); at its end, the one finished.
  const done = p.batch && p.batches ? p.epoch - 1 + p.batch / p.batches : p.epoch;
  return Math.min(1, Math.max(0, done / epochs));
}

export function LiveStatus({
  submissionId,
  name,
  initialStatus,
  initialProgress,
  startedAt,
  maxEpochs,
  cancelRequested,
  canCancel,
  cancelAction,
  initialTrainers,
  initialQueue,
}: {
  submissionId: string;
  /** The submission's name, for the tab title. */
  name: string;
  initialStatus: SubmissionStatus;
  initialProgress: Progress | null;
  /** While queued: the trainers' readiness when the page rendered (then live, from the stream). */
  initialTrainers: TrainerSummary | null;
  /** While queued: its place in the queue when the page rendered (then live, from the stream). */
  initialQueue: QueuePlace | null;
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
  const [trainers, setTrainers] = useState<TrainerSummary | null>(initialTrainers);
  const [queue, setQueue] = useState<QueuePlace | null>(initialQueue);
  const [connection, setConnection] = useState<"live" | "reconnecting" | "closed">("live");
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (isTerminal(initialStatus)) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let finished = false;
    const connect = () => {
      const current = new EventSource(`/api/submissions/${submissionId}/events`);
      source = current;
      current.addEventListener("progress", (e) => {
        const update = JSON.parse((e as MessageEvent<string>).data) as {
          status: SubmissionStatus;
          progress: Progress | null;
          trainers: TrainerSummary | null;
          queue: QueuePlace | null;
        };
        setStatus(update.status);
        setProgress(update.progress ?? {});
        setTrainers(update.trainers);
        setQueue(update.queue);
        setConnection("live");
        if (update.status === "RUNNING") setStarted((s) => s ?? Date.now());
      });
      current.addEventListener("done", () => {
        finished = true;
        current.close();
        setConnection("closed");
        router.refresh(); // the server page now renders the results
      });
      current.onerror = () => {
        if (current.readyState !== EventSource.CLOSED) return setConnection("reconnecting");
        // The browser gives up on a stream answered with an error status (a 503 while the
        // database restarts): open a new one a little later, for as long as the page is open.
        setConnection("reconnecting");
        if (!finished) retry = setTimeout(connect, RECONNECT_MS);
      };
    };
    connect();
    return () => {
      finished = true;
      clearTimeout(retry);
      source?.close();
    };
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
  const waitingFor = status === "QUEUED" ? notReady(trainers) : null;
  const handedBack = status === "QUEUED" && progress.phase === "requeued" ? progress.reason : undefined;
  const percent = Math.round(f * 100);
  const valueText =
    status === "QUEUED"
      ? "Waiting in the queue"
      : progress.epoch
        ? `Epoch ${progress.epoch} of ${epochs}${progress.batch && progress.batches ? `, batch ${progress.batch} of ${progress.batches}` : ""}, ${percent} %`
        : progress.phase === "starting"
          ? "Loading the data"
          : "Starting";

  // The tab says how far the job is, so a student can watch it from another tab.
  useTabTitle(
    running && progress.epoch
      ? `${percent} % · epoch ${progress.epoch}/${epochs} — ${name} · Catwalk`
      : running
        ? `Starting — ${name} · Catwalk`
        : status === "QUEUED"
          ? `Queued${queue ? ` (#${queue.position})` : ""} — ${name} · Catwalk`
          : null,
  );

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
      {waitingFor && (
        <div role="status" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
          <p className="font-medium" data-testid="trainer-not-ready">
            The trainer isn&apos;t ready: {waitingFor}
          </p>
          <p className="mt-1">
            Your submission stays in the queue and starts by itself as soon as a trainer is ready; nothing is lost and
            it is not counted twice.
          </p>
        </div>
      )}
      {status === "QUEUED" && queue && (
        <p className="text-sm text-slate-700" data-testid="queue-place">
          <span data-testid="queue-position">
            {queue.position === 1 ? "Next to start" : `Number ${queue.position} in the queue`}
          </span>
          {queue.startsInSeconds !== null && queue.etaSeconds !== null ? (
            <>
              {" "}
              · {queue.startsInSeconds < 1 ? "starts now" : `starts in about ${roughly(queue.startsInSeconds)}`}, done
              in at most <span data-testid="queue-eta">{roughly(queue.etaSeconds)}</span>
            </>
          ) : null}
          <span className="block text-xs text-slate-500">
            Every class shares the trainers; the oldest run starts first, one run per student at a time. Estimate:{" "}
            {queue.basis}.
          </span>
        </p>
      )}
      {!waitingFor && handedBack && (
        <p className="text-sm text-slate-600" data-testid="handed-back">
          Back in the queue: {handedBack}.
        </p>
      )}
      {running && progress.resumedAfterEpoch !== undefined && (
        <p className="text-sm text-slate-600" data-testid="resumed">
          Resumed after epoch {progress.resumedAfterEpoch}: an earlier attempt&apos;s trainer stopped, and its finished
          epochs were kept.
        </p>
      )}
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
