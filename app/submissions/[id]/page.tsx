import type { Metadata } from "next";
import Link from "next/link";
import { type EpochPoint, LearningCurves } from "@/components/charts/learning-curves";
import { ModelLab } from "@/components/model/model-lab";
import { ModelSummaryTable } from "@/components/model-summary";
import { CellExplorer } from "@/components/submission/cell-explorer";
import { FinalToggle } from "@/components/submission/final-toggle";
import { LiveStatus, type Progress } from "@/components/submission/live-status";
import { ModelDownloads } from "@/components/submission/model-downloads";
import {
  Card,
  formatCount,
  formatDate,
  formatDuration,
  formatPercent,
  PageHeader,
  pluralize,
  StatusBadge,
  TableHead,
} from "@/components/ui";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { getClass } from "@/lib/server/services/classes";
import { getVisibleScores } from "@/lib/server/services/gallery";
import { getSubmission } from "@/lib/server/services/submissions/get-submission";
import { getFinalSelections } from "@/lib/server/services/submissions/select-final";
import { queuePlaceOf } from "@/lib/server/services/submissions/watch-submission";
import { getTrainerSummary } from "@/lib/server/services/trainers";
import { isActive } from "@/lib/submission-status";
import { CLASS_NAMES, parseArchitecture, parseTrainingConfig, summarize } from "@/trainer/arch";
import { cancelSubmissionAction, selectFinalAction } from "../actions";

export const metadata: Metadata = { title: "Submission" };

// The class names are row headers, on the left; the numbers are right-aligned with the table.
const PER_CLASS_COLUMNS = [
  { label: "Class", className: "text-left" },
  ...["Precision", "Recall", "F1", "Images"].map((label) => ({ label })),
];

function Stat({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="font-mono tabular-nums" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

export default async function SubmissionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requirePageViewer(`/submissions/${id}`);
  const submission = await loadForPage(() => getSubmission(viewer, id));
  const klass = await loadForPage(() => getClass(viewer, submission.classSlug));
  const seesPrivate = submission.viewerCan.privateScores;
  const { result } = submission;
  const scores = result ? await getVisibleScores(viewer, id) : null;
  const arch = parseArchitecture(submission.architecture);
  const summary = arch.ok ? summarize(arch.model) : null;
  const training = parseTrainingConfig(submission.training);
  const progress = (submission.progress ?? null) as Progress | null;
  const history = ((result?.history as EpochPoint[] | undefined) ?? progress?.history ?? []) as EpochPoint[];
  const maxEpochs = training.ok ? training.config.maxEpochs : (progress?.maxEpochs ?? 1);
  const active = isActive(submission.status);
  // While it waits, whether a trainer can take it (the live panel follows this over SSE).
  const [trainers, queue] =
    submission.status === "QUEUED"
      ? await loadForPage(() => Promise.all([getTrainerSummary(), queuePlaceOf(submission.id)]))
      : [null, null];
  // The author's selections in the class, for "1 of 2 selected" beside the toggle.
  const finals =
    submission.viewerCan.selectFinal && submission.status === "SUCCEEDED"
      ? await loadForPage(() => getFinalSelections(viewer, submission.classSlug))
      : null;

  return (
    <>
      <PageHeader
        title={submission.name}
        subtitle={
          <span className="flex flex-wrap items-center gap-2">
            {!active && <StatusBadge status={submission.status} />}
            {submission.isFinal && (
              <span
                className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-800"
                data-testid="final-marker"
              >
                final
              </span>
            )}
            <span>by {submission.author.name}</span>
            <span aria-hidden>·</span>
            <span>submitted {formatDate(submission.createdAt)}</span>
            <span aria-hidden>·</span>
            <Link href={`/classes/${submission.classSlug}`} className="font-medium text-brand-600 hover:text-brand-700">
              {klass.name}
            </Link>
          </span>
        }
        actions={
          <Link
            href={`/classes/${submission.classSlug}/submit?from=${submission.id}`}
            className="rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
          >
            Copy into the builder
          </Link>
        }
      />
      <div className="space-y-6">
        {active && (
          <Card headingId="progress-heading" heading="Training" headingClassName="mb-3">
            <LiveStatus
              submissionId={submission.id}
              name={submission.name}
              initialStatus={submission.status}
              initialProgress={progress}
              startedAt={submission.startedAt?.toISOString() ?? null}
              maxEpochs={maxEpochs}
              cancelRequested={submission.cancelRequested}
              canCancel={submission.viewerCan.cancel}
              cancelAction={cancelSubmissionAction}
              initialTrainers={trainers}
              initialQueue={queue}
            />
          </Card>
        )}
        {submission.status === "FAILED" && (
          <Card>
            <h2 className="mb-2 font-semibold">Training failed</h2>
            <p className="text-rose-700" role="alert">
              {submission.failureReason ?? "Training failed."}
            </p>
            {submission.failureKind === "PLATFORM" && (
              <p className="mt-2 text-sm text-slate-600" data-testid="platform-failure">
                This was the platform&apos;s failure, not your model&apos;s: it does not count against your daily quota,
                so you can submit it again.
              </p>
            )}
          </Card>
        )}
        {submission.status === "CANCELLED" && (
          <Card>
            <p className="text-slate-600">
              This submission was cancelled
              {history.length ? ` after ${pluralize(history.length, "epoch")}` : ""}.
            </p>
          </Card>
        )}
        {result && (
          <Card headingId="outcome-heading" heading="Outcome" headingClassName="mb-3">
            <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm sm:grid-cols-4">
              <Stat
                label={seesPrivate ? "Test accuracy (10,000 images)" : "Test accuracy (public half)"}
                testId="test-accuracy"
              >
                <span className="text-lg font-semibold">
                  {formatPercent(
                    seesPrivate ? result.testAccuracy : (result.publicAccuracy ?? scores?.accuracy ?? null),
                  )}
                </span>
              </Stat>
              {seesPrivate && <Stat label="Public accuracy">{formatPercent(result.publicAccuracy)}</Stat>}
              {seesPrivate && <Stat label="Private accuracy">{formatPercent(result.privateAccuracy)}</Stat>}
              {seesPrivate && <Stat label="Test loss">{result.testLoss?.toFixed(4) ?? "—"}</Stat>}
              <Stat label="Parameters">{formatCount(result.paramCount)}</Stat>
              <Stat label="Epochs">
                {result.epochs} of {maxEpochs}
              </Stat>
              <Stat label="Training time">{formatDuration(result.trainDurationMs)}</Stat>
              <Stat label="Scoring time">{formatDuration(result.evalDurationMs)}</Stat>
              <Stat label="Backend">
                {result.backend}
                {result.gpu ? ` · ${result.gpu}` : ""}
              </Stat>
              {submission.startedAt && (
                <Stat label="Waited in queue">
                  {formatDuration(Math.max(0, submission.startedAt.getTime() - submission.createdAt.getTime()))}
                </Stat>
              )}
              {progress?.stopReason && <Stat label="Stopped because">{progress.stopReason}</Stat>}
            </dl>
            {finals && (
              <div className="mt-4 border-t border-slate-100 pt-4">
                <FinalToggle
                  action={selectFinalAction}
                  submissionId={submission.id}
                  isFinal={submission.isFinal}
                  selected={finals.selected.length}
                  max={finals.max}
                  frozen={finals.frozen}
                />
              </div>
            )}
          </Card>
        )}
        {result?.model && (
          <Card headingId="try-it-heading" heading="Try it" headingClassName="mb-3">
            <ModelLab submissionId={submission.id} compact />
          </Card>
        )}
        {result && scores && (
          <Card headingId="confusion-heading" heading="Where it goes wrong">
            <p className="mb-3 text-xs text-slate-500">
              {scores.scope === "all"
                ? `All ${formatCount(scores.images)} test images.`
                : `The ${formatCount(scores.images)} images of the public half of the test set; the private half is shown once the grader reveals it.`}
            </p>
            <CellExplorer submissionId={submission.id} matrix={scores.confusionMatrix} />
            <h3 className="mt-6 mb-2 text-sm font-semibold">Per class</h3>
            <div className="overflow-x-auto">
              <table className="min-w-full text-right text-sm tabular-nums" data-testid="per-class">
                <caption className="sr-only">Precision, recall and F1 per class</caption>
                <TableHead
                  columns={PER_CLASS_COLUMNS}
                  className="border-b border-slate-200 text-xs text-slate-500"
                  cellClassName="px-2 py-1.5 font-medium"
                />
                <tbody className="divide-y divide-slate-100 font-mono">
                  {scores.perClass.map((m, c) => (
                    <tr key={CLASS_NAMES[c]}>
                      <th scope="row" className="px-2 py-1 text-left font-sans font-normal">
                        {CLASS_NAMES[c]}
                      </th>
                      <td className="px-2 py-1">{m.precision.toFixed(3)}</td>
                      <td className="px-2 py-1">{m.recall.toFixed(3)}</td>
                      <td className="px-2 py-1">{m.f1.toFixed(3)}</td>
                      <td className="px-2 py-1">{m.support}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        )}
        {result?.model && <ModelDownloads submissionId={submission.id} name={submission.name} model={result.model} />}
        {!active && history.length > 0 && (
          <Card headingId="curves-heading" heading="Learning curves" headingClassName="mb-3">
            <LearningCurves history={history} maxEpochs={maxEpochs} />
          </Card>
        )}
        <div className="grid gap-6 lg:grid-cols-2">
          <Card headingId="model-heading" heading="Model" headingClassName="mb-3">
            {summary ? (
              <ModelSummaryTable summary={summary} />
            ) : (
              <p className="text-sm text-rose-700">{!arch.ok && arch.errors[0]?.message}</p>
            )}
            <details className="mt-3 text-sm">
              <summary className="cursor-pointer text-slate-600">Architecture JSON</summary>
              <pre className="mt-2 max-h-96 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs ring-1 ring-slate-200">
                {JSON.stringify(submission.architecture, null, 2)}
              </pre>
            </details>
          </Card>
          <Card headingId="config-heading" heading="Training configuration" headingClassName="mb-3">
            {training.ok ? (
              <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
                <Stat label="Optimizer">{training.config.optimizer}</Stat>
                <Stat label="Learning rate">{training.config.learningRate}</Stat>
                <Stat label="Batch size">{training.config.batchSize}</Stat>
                <Stat label="Max epochs">{training.config.maxEpochs}</Stat>
                <Stat label="Validation split">{training.config.validationSplit}</Stat>
                <Stat label="Seed">{training.config.seed}</Stat>
                <Stat label="Early stopping">
                  {training.config.earlyStopping
                    ? `${training.config.earlyStopping.monitor}, patience ${training.config.earlyStopping.patience}${training.config.earlyStopping.restoreBestWeights ? ", restore best" : ""}`
                    : "off"}
                </Stat>
              </dl>
            ) : (
              <pre className="overflow-auto font-mono text-xs">{JSON.stringify(submission.training, null, 2)}</pre>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
