import type { Metadata } from "next";
import Link from "next/link";
import { cancelSubmissionAction } from "@/app/submissions/actions";
import { AutoRefresh } from "@/components/auto-refresh";
import { ExportsCard, SettingsCard } from "@/components/grading/class-cards";
import { JoinCodeCard } from "@/components/grading/join-code-card";
import { LiveQueue } from "@/components/grading/live-queue";
import { PrivateBoardCard } from "@/components/grading/private-board-card";
import { RemovedMembersCard } from "@/components/grading/removed-members-card";
import { RosterTable } from "@/components/grading/roster-table";
import { type Filters, submissionsHref } from "@/components/grading/submission-filters";
import { SubmissionsCard } from "@/components/grading/submissions-card";
import { PageHeader, pluralize } from "@/components/ui";
import { AppError } from "@/lib/server/errors";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { getClass } from "@/lib/server/services/classes";
import { listRemovedMembers } from "@/lib/server/services/grading/removed-members";
import { listRoster } from "@/lib/server/services/grading/roster";
import { type SubmissionPage, searchSubmissions } from "@/lib/server/services/grading/search-submissions";
import { getQueueBoard } from "@/lib/server/services/queue-board";
import { ACTIVE_STATUSES, isActive, TERMINAL_STATUSES } from "@/lib/submission-status";
import {
  readmitMemberAction,
  reevaluateAction,
  removeMemberAction,
  retrainAction,
  revealAction,
  rotateJoinCodeAction,
  setRoleAction,
  updateSettingsAction,
} from "./actions";

export const metadata: Metadata = { title: "Manage class" };

const PAGE_SIZE = 20;
const STATUSES = [...ACTIVE_STATUSES, ...TERMINAL_STATUSES];
const DAY = /^\d{4}-\d\d-\d\d$/;

type SearchParams = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? "")).trim();

/** The URL's filters (a plain GET form writes them); dates are whole UTC days. */
function readFilters(sp: SearchParams): Filters {
  const status = one(sp.status).toUpperCase();
  return {
    student: one(sp.student),
    status: (STATUSES as readonly string[]).includes(status) ? status : "",
    from: DAY.test(one(sp.from)) ? one(sp.from) : "",
    to: DAY.test(one(sp.to)) ? one(sp.to) : "",
    final: one(sp.final) === "yes" ? "yes" : "",
  };
}

export default async function ManageClassPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { slug } = await params;
  const sp = await searchParams;
  const viewer = await requirePageViewer(`/classes/${slug}/manage`);
  const klass = await loadForPage(() => getClass(viewer, slug));
  // What this viewer may do here, as the service decided it; the sections get plain flags.
  const canManageMembers = klass.viewerCan.manageMembers;
  // The roster is for graders only: the service's own check turns a student away with a 403.
  const [roster, removed] = await loadForPage(() =>
    Promise.all([listRoster(viewer, { classSlug: slug }), listRemovedMembers(viewer, { classSlug: slug })]),
  );
  // After the roster's check: only graders get this far.
  const queueBoard = await loadForPage(() => getQueueBoard(viewer, { classSlug: slug }));
  const trainers = queueBoard.trainers;

  const filters = readFilters(sp);
  const after = one(sp.after) || undefined;
  let page: SubmissionPage = { nodes: [], endCursor: null, hasNextPage: false, totalCount: 0 };
  let searchError: string | undefined;
  try {
    page = await loadForPage(() =>
      searchSubmissions(viewer, {
        classSlug: slug,
        studentId: filters.student || undefined,
        status: filters.status ? [filters.status] : undefined,
        from: filters.from ? `${filters.from}T00:00:00.000Z` : undefined,
        to: filters.to ? `${filters.to}T23:59:59.999Z` : undefined,
        final: filters.final === "yes" ? true : undefined,
        first: PAGE_SIZE,
        after,
      }),
    );
  } catch (error) {
    // A bad filter or stale cursor in the URL: say so instead of failing the whole page.
    if (!(error instanceof AppError && error.code === "BAD_USER_INPUT")) throw error;
    searchError = error.message;
  }

  // Refreshes while runs are active, and while a trainer is starting or unhealthy (to show it recover).
  const active =
    page.nodes.some((s) => isActive(s.status)) ||
    trainers.trainers.some((t) => t.state === "starting" || t.state === "unhealthy");
  const base = `/classes/${slug}/manage`;

  return (
    <>
      <AutoRefresh active={active} intervalMs={4000} />
      <PageHeader
        title={<>Manage {klass.name}</>}
        subtitle={
          <>
            {pluralize(klass.memberCount, "member")} · you are {klass.role === "OWNER" ? "an owner" : "a grader"}
          </>
        }
        actions={
          <Link
            href={`/classes/${slug}`}
            className="rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
          >
            Back to class
          </Link>
        }
      />
      <div className="space-y-6">
        <div className="grid gap-6 lg:grid-cols-3">
          <SettingsCard
            action={updateSettingsAction}
            classSlug={slug}
            dailyQuota={klass.dailyQuota}
            finalSelectionsMax={klass.finalSelectionsMax}
            deadline={klass.deadline}
            joinCodeExpiresAt={klass.joinCodeExpiresAt}
            showArchitectures={klass.showArchitectures}
            shareModels={klass.shareModels}
          />
          <div className="space-y-6">
            <JoinCodeCard
              classSlug={slug}
              joinCode={klass.joinCode}
              expiresAt={klass.joinCodeExpiresAt}
              now={new Date()}
              rotateAction={rotateJoinCodeAction}
            />
            <ExportsCard classSlug={slug} />
          </div>
        </div>
        <PrivateBoardCard action={revealAction} classSlug={slug} revealed={klass.privateRevealed} />
        <LiveQueue classSlug={slug} initial={queueBoard} />
        <RosterTable
          classSlug={slug}
          roster={roster}
          viewerId={viewer.userId}
          canManageMembers={canManageMembers}
          submissionsHref={(userId) =>
            submissionsHref(base, { student: userId, status: "", from: "", to: "", final: "" })
          }
          setRoleAction={setRoleAction}
          removeMemberAction={removeMemberAction}
        />
        <RemovedMembersCard
          classSlug={slug}
          removed={removed}
          canManageMembers={canManageMembers}
          readmitAction={readmitMemberAction}
        />
        <SubmissionsCard
          base={base}
          classSlug={slug}
          page={page}
          pageSize={PAGE_SIZE}
          filters={filters}
          after={after}
          searchError={searchError}
          students={roster.map((m) => ({ id: m.userId, name: m.name }))}
          statuses={STATUSES}
          actions={{ retrain: retrainAction, reevaluate: reevaluateAction, cancel: cancelSubmissionAction }}
        />
      </div>
    </>
  );
}
