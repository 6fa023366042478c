import type { Metadata } from "next";
import Link from "next/link";
import { ModelLab } from "@/components/model/model-lab";
import { Card, formatCount, formatPercent, PageHeader } from "@/components/ui";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { getSubmission } from "@/lib/server/services/submissions/get-submission";
import { modelUse } from "../model-use";

export const metadata: Metadata = { title: "Try the model" };

// A trained model's own page: Try it, random test images, and what its layers learned, all run
// in the browser on the stored model (components/model/). The page only decides whether there is
// a model the viewer may use; the files come from the model routes, which check again.
export default async function ModelPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requirePageViewer(`/submissions/${id}/model`);
  const submission = await loadForPage(() => getSubmission(viewer, id));
  const use = modelUse(submission);
  const { result } = submission;

  return (
    <>
      <PageHeader
        title={`Try “${submission.name}”`}
        subtitle={
          <span className="flex flex-wrap items-center gap-2">
            <span>by {submission.author.name}</span>
            {result && (
              <>
                <span aria-hidden>·</span>
                <span>
                  {formatPercent(submission.viewerCan.privateScores ? result.testAccuracy : result.publicAccuracy)} test
                  accuracy{submission.viewerCan.privateScores ? "" : " (public half)"}
                </span>
                <span aria-hidden>·</span>
                <span>{formatCount(result.paramCount)} parameters</span>
              </>
            )}
          </span>
        }
        actions={
          <Link
            href={`/submissions/${submission.id}`}
            className="rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
          >
            Back to the submission
          </Link>
        }
      />
      {use.available ? (
        <ModelLab submissionId={submission.id} canSampleTestImages={use.testImages} />
      ) : (
        <Card>
          <p className="text-slate-600" data-testid="no-model">
            {use.reason}
          </p>
        </Card>
      )}
    </>
  );
}
