import type { Metadata } from "next";
import Link from "next/link";
import { ModelLab } from "@/components/model/model-lab";
import { Card, PageHeader } from "@/components/ui";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { getModelPage } from "@/lib/server/services/models/model-page";

export const metadata: Metadata = { title: "Try the model" };

// A trained model's own page: Try it, random test images, and what its layers learned, all run
// in the browser on the stored model (components/model/). Open to whoever may use the model
// (its author, graders, classmates while the class shares models); the files route checks again.
export default async function ModelPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requirePageViewer(`/submissions/${id}/model`);
  const page = await loadForPage(() => getModelPage(viewer, id));
  const back = page.opensSubmission
    ? { href: `/submissions/${page.submissionId}`, label: "Back to the submission" }
    : { href: `/classes/${page.classSlug}`, label: `Back to ${page.className}` };

  return (
    <>
      <PageHeader
        title={`Try “${page.name}”`}
        subtitle={<span>by {page.authorName}: a trained model, running in your browser</span>}
        actions={
          <Link
            href={back.href}
            className="rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
          >
            {back.label}
          </Link>
        }
      />
      {page.stored ? (
        <ModelLab submissionId={page.submissionId} canSampleTestImages={page.opensSubmission} />
      ) : (
        <Card>
          <p className="text-slate-600" data-testid="no-model">
            No trained model is stored for this submission (yet): it is kept once training succeeds.
          </p>
        </Card>
      )}
    </>
  );
}
