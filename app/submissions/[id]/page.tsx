import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "@/components/auto-refresh";
import { Card, PageHeader, StatusBadge, formatDate, formatDuration, formatPercent } from "@/components/ui";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { getSubmission } from "@/lib/server/services/submissions";

export const metadata: Metadata = { title: "Submission" };

export default async function SubmissionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requirePageViewer(`/submissions/${id}`);
  const submission = await loadForPage(() => getSubmission(viewer, id));
  const { result } = submission;
  const active = submission.status === "QUEUED" || submission.status === "RUNNING";
  return (
    <>
      <AutoRefresh active={active} />
      <PageHeader
        title={submission.name}
        subtitle={
          <span className="flex flex-wrap items-center gap-2">
            <StatusBadge status={submission.status} />
            <span>by {submission.author.name}</span>
            <span aria-hidden>·</span>
            <span>submitted {formatDate(submission.createdAt)}</span>
            <span aria-hidden>·</span>
            <Link href={`/classes/${submission.classSlug}`} className="font-medium text-brand-600 hover:text-brand-700">
              back to class
            </Link>
          </span>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <h2 className="mb-3 font-semibold">Outcome</h2>
          {submission.status === "QUEUED" && <p className="text-slate-600">Waiting for a trainer worker to pick this up.</p>}
          {submission.status === "RUNNING" && <p className="text-slate-600">Training now.</p>}
          {submission.status === "FAILED" && (
            <p className="text-rose-700" role="alert">{submission.failureReason ?? "Training failed."}</p>
          )}
          {submission.status === "CANCELLED" && <p className="text-slate-600">This submission was cancelled.</p>}
          {result && (
            <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm">
              <dt className="text-slate-500">Test accuracy</dt>
              <dd className="font-mono text-lg font-semibold tabular-nums" data-testid="test-accuracy">{formatPercent(result.testAccuracy)}</dd>
              <dt className="text-slate-500">Test loss</dt>
              <dd className="font-mono tabular-nums">{result.testLoss?.toFixed(4) ?? "—"}</dd>
              <dt className="text-slate-500">Parameters</dt>
              <dd className="tabular-nums">{result.paramCount.toLocaleString("en-US")}</dd>
              <dt className="text-slate-500">Epochs</dt>
              <dd className="tabular-nums">{result.epochs}</dd>
              <dt className="text-slate-500">Training time</dt>
              <dd className="tabular-nums">{formatDuration(result.trainDurationMs)}</dd>
              <dt className="text-slate-500">Backend</dt>
              <dd>{result.backend}</dd>
            </dl>
          )}
        </Card>
        <Card>
          <h2 className="mb-3 font-semibold">Training configuration</h2>
          <pre className="max-h-64 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs ring-1 ring-slate-200">
            {JSON.stringify(submission.training, null, 2)}
          </pre>
        </Card>
        <Card className="lg:col-span-2">
          <h2 className="mb-3 font-semibold">Architecture</h2>
          <pre className="max-h-96 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs ring-1 ring-slate-200">
            {JSON.stringify(submission.architecture, null, 2)}
          </pre>
        </Card>
      </div>
    </>
  );
}
