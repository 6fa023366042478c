import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { EpochPoint } from "@/components/charts/learning-curves";
import { ArchitectureDiff } from "@/components/compare/architecture-diff";
import { CompareCurves } from "@/components/compare/compare-curves";
import { F1Deltas } from "@/components/compare/f1-deltas";
import { Swatch } from "@/components/compare/marker";
import { CountMatrix, DifferenceMatrix } from "@/components/compare/matrix-grid";
import { MetricsTable } from "@/components/compare/metrics-table";
import { letter, SERIES_STYLES } from "@/components/compare/series";
import { TrainingDiff } from "@/components/compare/training-diff";
import { Card, PageHeader } from "@/components/ui";
import { compareHref } from "@/lib/compare/url";
import { AppError } from "@/lib/server/errors";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { getClass } from "@/lib/server/services/classes";
import { compareSubmissions } from "@/lib/server/services/compare/compare-submissions";

export const metadata: Metadata = { title: "Compare submissions" };

type Search = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function ComparePage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Search;
}) {
  const { slug } = await params;
  const search = await searchParams;
  const ids = (first(search.ids) ?? "").split(",").filter(Boolean);
  const base = first(search.base) || undefined;
  const viewer = await requirePageViewer(compareHref(slug, ids, base));
  const klass = await loadForPage(() => getClass(viewer, slug));
  // Bad picks (too few, too many, unfinished runs) are the reader's to fix, on the page itself.
  const comparison = await loadForPage(() =>
    compareSubmissions(viewer, { ids, base }).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "BAD_USER_INPUT") return error;
      throw error;
    }),
  );
  if (comparison instanceof AppError) {
    return (
      <>
        <PageHeader title="Compare submissions" subtitle={klass.name} />
        <Card>
          <p role="alert" className="text-rose-700" data-testid="compare-error">
            {comparison.issues[0]?.message ?? comparison.message}
          </p>
          <p className="mt-2 text-sm text-slate-600">
            Tick 2 to 4 trained submissions on{" "}
            <Link href={`/classes/${slug}`} className="font-medium text-brand-600 hover:text-brand-700">
              the class page
            </Link>{" "}
            (your submissions or the leaderboard), then choose “Compare selected”.
          </p>
        </Card>
      </>
    );
  }
  if (comparison.classSlug !== slug) redirect(compareHref(comparison.classSlug, ids, base));

  const { submissions, pairs } = comparison;
  const baseIndex = submissions.findIndex((s) => s.id === comparison.baseId);
  const baseSub = submissions[baseIndex]!;
  const names = submissions.map((s, i) => `${letter(i)} · ${s.name}`);
  const nameOf = (id: string) => names[submissions.findIndex((s) => s.id === id)]!;
  const seesPrivate = baseSub.result?.scope === "FULL_TEST_SET";
  const opens = (s: (typeof submissions)[number]) => s.isOwn || klass.viewerCan.seeAllSubmissions;

  return (
    <>
      <PageHeader
        title={`Compare ${submissions.length} submissions`}
        subtitle={
          <>
            <Link href={`/classes/${slug}`} className="font-medium text-brand-600 hover:text-brand-700">
              {klass.name}
            </Link>
            {" · "}
            {seesPrivate
              ? "Scores on all 10,000 test images."
              : "Scores on the public half of the test set (the private half is shown once the grader reveals it)."}
          </>
        }
      />
      <div className="space-y-6">
        <Card headingId="compared-heading" heading="Compared" headingClassName="mb-3">
          <ol className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" data-testid="compared-list">
            {submissions.map((s, i) => (
              <li key={s.id} className="rounded-lg p-3 ring-1 ring-slate-200" data-testid="compared-submission">
                <div className="flex items-center gap-2">
                  <Swatch style={SERIES_STYLES[i]!} />
                  <span className="font-semibold">{letter(i)}</span>
                  {opens(s) ? (
                    <Link href={`/submissions/${s.id}`} className="font-medium text-brand-600 hover:text-brand-700">
                      {s.name}
                    </Link>
                  ) : (
                    <span className="font-medium">{s.name}</span>
                  )}
                </div>
                <div className="mt-1 text-xs text-slate-600">
                  by {s.isOwn ? "you" : s.author.name}
                  {s.isFinal && " · final"}
                </div>
                <div className="mt-2 text-xs">
                  {i === baseIndex ? (
                    <span className="rounded bg-slate-100 px-1.5 py-0.5 font-medium text-slate-700">base</span>
                  ) : (
                    <Link
                      href={compareHref(
                        slug,
                        submissions.map((x) => x.id),
                        s.id,
                      )}
                      className="font-medium text-brand-600 hover:text-brand-700"
                      aria-label={`Diff the others against ${s.name}`}
                    >
                      Make base
                    </Link>
                  )}
                </div>
              </li>
            ))}
          </ol>
          <div className="mt-4">
            <MetricsTable submissions={submissions} names={names} baseIndex={baseIndex} seesPrivate={seesPrivate} />
          </div>
        </Card>

        <Card headingId="curves-heading" heading="Learning curves" headingClassName="mb-3">
          <CompareCurves
            runs={submissions.map((s, i) => ({
              name: `${letter(i)} · ${s.name}`,
              history: (Array.isArray(s.result?.history) ? s.result.history : []) as EpochPoint[],
            }))}
          />
        </Card>

        <Card headingId="training-heading" heading="Training configuration" headingClassName="mb-3">
          <TrainingDiff rows={comparison.training} names={names} baseIndex={baseIndex} />
        </Card>

        <Card headingId="architecture-heading" heading="Architecture, layer by layer" headingClassName="mb-3">
          <div className="space-y-6">
            {pairs.map((pair) => (
              <section key={pair.otherId} aria-label={`${nameOf(pair.otherId)} against ${names[baseIndex]}`}>
                {pairs.length > 1 && (
                  <h3 className="mb-2 text-sm font-semibold">
                    {nameOf(pair.otherId)} against {names[baseIndex]}
                  </h3>
                )}
                {pair.layers ? (
                  <ArchitectureDiff
                    rows={pair.layers}
                    baseName={names[baseIndex]!}
                    otherName={nameOf(pair.otherId)}
                    testId={`layers-${pair.otherId}`}
                  />
                ) : (
                  <p className="text-sm text-slate-500">One of these architectures no longer parses.</p>
                )}
              </section>
            ))}
          </div>
        </Card>

        <Card headingId="confusion-heading" heading="Confusion matrices" headingClassName="mb-3">
          <p className="mb-3 text-xs text-slate-500">
            Rows: true class · columns: predicted class. The arrow keys move between cells; each cell reads out its
            numbers.
          </p>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            {submissions.map((s, i) =>
              s.result?.confusionMatrix ? (
                <CountMatrix
                  key={s.id}
                  matrix={s.result.confusionMatrix}
                  caption={names[i]!}
                  testId={`cm-${letter(i)}`}
                />
              ) : (
                <p key={s.id} className="text-sm text-slate-500">
                  {names[i]}: no confusion matrix stored for this scope.
                </p>
              ),
            )}
          </div>
          <div className="mt-6 grid gap-6 lg:grid-cols-2">
            {pairs.map((pair) => {
              const other = submissions.find((s) => s.id === pair.otherId)!;
              return pair.confusionDifference ? (
                <DifferenceMatrix
                  key={pair.otherId}
                  base={baseSub.result!.confusionMatrix!}
                  other={other.result!.confusionMatrix!}
                  difference={pair.confusionDifference}
                  baseName={names[baseIndex]!}
                  otherName={nameOf(pair.otherId)}
                  caption={`Difference: ${nameOf(pair.otherId)} − ${names[baseIndex]}`}
                  testId={`cm-diff-${letter(submissions.indexOf(other))}`}
                />
              ) : null;
            })}
          </div>
          <p className="mt-2 text-xs text-slate-500">
            On the diagonal (outlined) more is better: more images classified correctly; off it, more means more
            mistakes.
          </p>
        </Card>

        <Card headingId="f1-heading" heading="Per-class F1" headingClassName="mb-3">
          <div className="grid gap-6 lg:grid-cols-2">
            {pairs.map((pair) =>
              pair.f1Deltas ? (
                <F1Deltas
                  key={pair.otherId}
                  deltas={pair.f1Deltas}
                  caption={`F1 change: ${nameOf(pair.otherId)} − ${names[baseIndex]} (▲ better, ▼ worse)`}
                  testId={`f1-${letter(submissions.findIndex((s) => s.id === pair.otherId))}`}
                />
              ) : null,
            )}
          </div>
        </Card>
      </div>
    </>
  );
}
