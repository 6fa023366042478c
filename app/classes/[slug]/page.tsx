import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "@/components/auto-refresh";
import { CompareSelection } from "@/components/compare/compare-picker";
import { LeaderboardPanel } from "@/components/leaderboard/leaderboard-panel";
import { SubmissionTable } from "@/components/submission-table";
import { Card, PageHeader, pluralize } from "@/components/ui";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { getBoard } from "@/lib/server/services/board";
import { getClass } from "@/lib/server/services/classes";
import { listSubmissions } from "@/lib/server/services/submissions/list-submissions";
import { isActive } from "@/lib/submission-status";

export const metadata: Metadata = { title: "Class" };

export default async function ClassPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const viewer = await requirePageViewer(`/classes/${slug}`);
  const klass = await loadForPage(() => getClass(viewer, slug));
  const [leaderboard, submissions] = await Promise.all([
    getBoard(viewer, slug, "best"),
    listSubmissions(viewer, slug, { take: 50 }),
  ]);
  const can = klass.viewerCan;
  const active = submissions.some((s) => isActive(s.status));
  return (
    <>
      <AutoRefresh active={active} intervalMs={3000} />
      <PageHeader
        title={klass.name}
        subtitle={
          <>
            {pluralize(klass.memberCount, "member")}
            {klass.joinCode && (
              <>
                {" · "}Join code{" "}
                <code
                  data-testid="join-code"
                  className="rounded bg-slate-100 px-1.5 py-0.5 font-mono font-semibold text-slate-900"
                >
                  {klass.joinCode}
                </code>
              </>
            )}
          </>
        }
        actions={
          <>
            {can.manage && (
              <Link
                href={`/classes/${slug}/manage`}
                className="rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
              >
                Manage class
              </Link>
            )}
            <Link
              href={`/classes/${slug}/analytics`}
              className="rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
            >
              Class analytics
            </Link>
            <Link
              href={`/classes/${slug}/submit`}
              className="rounded-md bg-brand-600 px-3.5 py-2 text-sm font-semibold text-white hover:bg-brand-700"
            >
              New submission
            </Link>
          </>
        }
      />
      <CompareSelection classSlug={slug}>
        <div className="space-y-6">
          <Card headingId="leaderboard-heading" heading="Leaderboard" headingClassName="mb-3">
            <LeaderboardPanel
              classSlug={slug}
              initial={leaderboard}
              viewerId={viewer.userId}
              opensEverySubmission={can.seeAllSubmissions}
              compareOthers={can.architectures}
            />
          </Card>
          <Card
            headingId="submissions-heading"
            heading={can.seeAllSubmissions ? "All submissions" : "My submissions"}
            headingClassName="mb-3"
          >
            <SubmissionTable submissions={submissions} showAuthor={can.seeAllSubmissions} compare />
          </Card>
        </div>
      </CompareSelection>
    </>
  );
}
