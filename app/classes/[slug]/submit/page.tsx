import type { Metadata } from "next";
import Link from "next/link";
import type { BuilderInitial } from "@/components/builder/builder-state";
import { SubmissionBuilder } from "@/components/builder/submission-builder";
import { PageHeader } from "@/components/ui";
import { readLimits } from "@/lib/server/env";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { getClass } from "@/lib/server/services/classes";
import { getTrainingThroughput } from "@/lib/server/services/estimate";
import { getSubmission } from "@/lib/server/services/submissions/get-submission";
import { getQuota } from "@/lib/server/services/submissions/quota";
import { getPreset, parseTrainingConfig } from "@/trainer/arch";
import { submitAction } from "../../actions";

export const metadata: Metadata = { title: "New submission" };

export default async function SubmitPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ from?: string; preset?: string }>;
}) {
  const { slug } = await params;
  const { from, preset } = await searchParams;
  const viewer = await requirePageViewer(`/classes/${slug}/submit`);
  const klass = await loadForPage(() => getClass(viewer, slug));
  const [quota, throughput] = await Promise.all([getQuota(viewer, slug), getTrainingThroughput()]);

  // "Copy into the builder": a submission the viewer may open (their own, or any for a grader).
  let initial: BuilderInitial;
  const source = from ? await loadForPage(() => getSubmission(viewer, from)) : null;
  if (source) {
    const training = parseTrainingConfig(source.training);
    initial = {
      name: `${source.name} (copy)`,
      architecture: source.architecture,
      training: training.ok ? training.config : getPreset("report-cnn")!.training,
    };
  } else {
    const p = getPreset(preset ?? "report-cnn") ?? getPreset("report-cnn")!;
    initial = { architecture: p.architecture, training: p.training };
  }

  return (
    <>
      <PageHeader
        title="New submission"
        subtitle={
          <>
            for{" "}
            <Link href={`/classes/${slug}`} className="font-medium text-brand-600 hover:text-brand-700">
              {klass.name}
            </Link>
            {" · "}
            <span data-testid="quota">
              {quota.unlimited
                ? "graders have no daily quota"
                : `${quota.remaining} of ${quota.limit} submissions left today (resets 00:00 UTC)`}
            </span>
          </>
        }
      />
      {!quota.unlimited && quota.remaining === 0 && (
        <p role="status" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-amber-200">
          You have used today&apos;s submissions for this class. Failed and cancelled runs don&apos;t count.
        </p>
      )}
      <SubmissionBuilder
        action={submitAction}
        classSlug={slug}
        initial={initial}
        maxEpochsLimit={readLimits().maxEpochs}
        throughput={throughput}
        canSubmit={quota.unlimited || quota.remaining > 0}
      />
    </>
  );
}
