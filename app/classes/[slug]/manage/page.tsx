import type { Metadata } from "next";
import Link from "next/link";
import { cancelSubmissionAction } from "@/app/submissions/actions";
import { AutoRefresh } from "@/components/auto-refresh";
import { ConfirmAction } from "@/components/grading/confirm-action";
import { RoleForm } from "@/components/grading/role-form";
import { ClassSettingsForm } from "@/components/grading/settings-form";
import { type Filters, SubmissionFilters } from "@/components/grading/submission-filters";
import { Card, FormError, formatDate, formatPercent, PageHeader, StatusBadge } from "@/components/ui";
import { AppError } from "@/lib/server/errors";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { getClass } from "@/lib/server/services/classes";
import { listRoster } from "@/lib/server/services/grading/roster";
import { type SubmissionPage, searchSubmissions } from "@/lib/server/services/grading/search-submissions";
import { removeMemberAction, rescoreAction, revealAction, setRoleAction, updateSettingsAction } from "./actions";

export const metadata: Metadata = { title: "Manage class" };

const PAGE_SIZE = 20;
const STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
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
  };
}

function query(filters: Filters, after?: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (after) params.set("after", after);
  const text = params.toString();
  return text ? `?${text}` : "";
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
  // The roster is for graders only: the service's own check turns a student away with a 403.
  const roster = await loadForPage(() => listRoster(viewer, { classSlug: slug }));

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
        first: PAGE_SIZE,
        after,
      }),
    );
  } catch (error) {
    // A bad filter or stale cursor in the URL: say so instead of failing the whole page.
    if (!(error instanceof AppError && error.code === "BAD_USER_INPUT")) throw error;
    searchError = error.message;
  }

  const isOwner = klass.role === "OWNER";
  const active = page.nodes.some((s) => s.status === "QUEUED" || s.status === "RUNNING");
  const base = `/classes/${slug}/manage`;
  const csvBase = `/api/classes/${encodeURIComponent(slug)}`;

  return (
    <>
      <AutoRefresh active={active} intervalMs={4000} />
      <PageHeader
        title={<>Manage {klass.name}</>}
        subtitle={
          <>
            {klass.memberCount} {klass.memberCount === 1 ? "member" : "members"} · you are{" "}
            {klass.role === "OWNER" ? "an owner" : "a grader"}
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
          <Card aria-labelledby="settings-heading" className="lg:col-span-2">
            <h2 id="settings-heading" className="mb-4 font-semibold">
              Settings
            </h2>
            <ClassSettingsForm
              action={updateSettingsAction}
              classSlug={slug}
              dailyQuota={klass.dailyQuota}
              deadline={klass.deadline}
              showArchitectures={klass.showArchitectures}
            />
          </Card>
          <div className="space-y-6">
            <Card aria-labelledby="join-heading">
              <h2 id="join-heading" className="font-semibold">
                Join code
              </h2>
              <p className="mt-1 text-sm text-slate-600">Students enter it on “My classes” to join.</p>
              <p className="mt-3">
                <code
                  data-testid="manage-join-code"
                  className="rounded bg-slate-100 px-2 py-1 font-mono text-lg font-semibold tracking-wider text-slate-900"
                >
                  {klass.joinCode}
                </code>
              </p>
            </Card>
            <Card aria-labelledby="exports-heading">
              <h2 id="exports-heading" className="font-semibold">
                Exports
              </h2>
              <ul className="mt-3 space-y-2 text-sm">
                <li>
                  <a
                    href={`${csvBase}/leaderboard.csv`}
                    download
                    className="font-medium text-brand-600 hover:text-brand-700"
                  >
                    Leaderboard CSV
                  </a>
                  <span className="text-slate-500"> — best submission per student</span>
                </li>
                <li>
                  <a
                    href={`${csvBase}/leaderboard.csv?mode=ALL`}
                    download
                    className="font-medium text-brand-600 hover:text-brand-700"
                  >
                    Leaderboard CSV, every submission
                  </a>
                </li>
                <li>
                  <a
                    href={`${csvBase}/results.csv`}
                    download
                    className="font-medium text-brand-600 hover:text-brand-700"
                  >
                    All results CSV
                  </a>
                  <span className="text-slate-500"> — every submission, any status</span>
                </li>
              </ul>
            </Card>
          </div>
        </div>

        <Card aria-labelledby="private-heading">
          <div className="flex flex-wrap items-center justify-between gap-4">
            <div>
              <h2 id="private-heading" className="font-semibold">
                Private leaderboard
              </h2>
              <p className="mt-1 text-sm text-slate-600" data-testid="private-state">
                {klass.privateRevealed
                  ? "Revealed: students see private-half accuracy on the leaderboard."
                  : "Hidden: students see only their public-half accuracy until you reveal it."}
              </p>
            </div>
            {klass.privateRevealed ? (
              <ConfirmAction
                action={revealAction}
                fields={{ classSlug: slug, revealed: "false" }}
                label="Hide private leaderboard"
                title="Hide the private leaderboard again?"
                message="Students will no longer see private-half accuracy. Anything they already saw or downloaded stays with them."
                confirmLabel="Hide it"
                pendingText="Hiding…"
              />
            ) : (
              <ConfirmAction
                action={revealAction}
                fields={{ classSlug: slug, revealed: "true" }}
                label="Reveal private leaderboard"
                title="Reveal the private leaderboard?"
                message="Every student will see accuracy on the private half of the test set, and the board can be ranked by it. Do this once submissions are closed."
                confirmLabel="Reveal"
                pendingText="Revealing…"
                variant="primary"
              />
            )}
          </div>
        </Card>

        <Card aria-labelledby="roster-heading">
          <h2 id="roster-heading" className="mb-3 font-semibold">
            Roster
          </h2>
          {!isOwner && <p className="mb-3 text-sm text-slate-500">Only owners change roles or remove members.</p>}
          {/* `relative`: the sr-only header and labels are absolutely positioned and would otherwise
              escape the scroll container and widen the page at phone width. */}
          <div className="relative -mx-5 overflow-x-auto sm:-mx-6">
            <table className="min-w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-5 py-2 font-medium sm:px-6">
                    Member
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Role
                  </th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">
                    Submissions
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Joined
                  </th>
                  {isOwner && (
                    <th scope="col" className="px-5 py-2 font-medium sm:px-6">
                      <span className="sr-only">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {roster.map((m) => (
                  <tr key={m.userId} data-testid="roster-row">
                    <td className="min-w-48 px-5 py-2.5 sm:px-6">
                      <div className="font-medium text-slate-900">
                        {m.name}
                        {m.userId === viewer.userId && <span className="text-slate-500"> (you)</span>}
                      </div>
                      <div className="break-all text-xs text-slate-500">{m.email}</div>
                    </td>
                    <td className="min-w-44 px-3 py-2.5">
                      {isOwner ? (
                        <RoleForm
                          action={setRoleAction}
                          classSlug={slug}
                          userId={m.userId}
                          name={m.name}
                          role={m.role}
                        />
                      ) : (
                        m.role.charAt(0) + m.role.slice(1).toLowerCase()
                      )}
                    </td>
                    <td className="px-3 py-2.5 text-right tabular-nums">
                      {m.submissionCount > 0 ? (
                        <Link
                          href={`${base}${query({ student: m.userId, status: "", from: "", to: "" })}#submissions-heading`}
                          className="text-brand-600 hover:text-brand-700"
                          aria-label={`${m.submissionCount} ${m.submissionCount === 1 ? "submission" : "submissions"} by ${m.name}`}
                        >
                          {m.submissionCount}
                        </Link>
                      ) : (
                        0
                      )}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2.5 text-slate-500">{formatDate(m.joinedAt)}</td>
                    {isOwner && (
                      <td className="px-5 py-2.5 text-right sm:px-6">
                        <ConfirmAction
                          action={removeMemberAction}
                          fields={{ classSlug: slug, userId: m.userId }}
                          label="Remove"
                          accessibleLabel={`Remove ${m.name}`}
                          title={`Remove ${m.name} from the class?`}
                          message="They lose access to the class. Their submissions and results stay, and they can rejoin with the join code."
                          confirmLabel="Remove"
                          pendingText="Removing…"
                          variant="danger"
                          size="sm"
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>

        <Card aria-labelledby="submissions-heading">
          <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="submissions-heading" className="font-semibold">
              All submissions
            </h2>
            <p className="text-sm text-slate-500" data-testid="submission-count" aria-live="polite">
              {page.totalCount} {page.totalCount === 1 ? "submission" : "submissions"}
              {Object.values(filters).some(Boolean) ? " match" : ""}
            </p>
          </div>
          <SubmissionFilters
            action={base}
            filters={filters}
            students={roster.map((m) => ({ id: m.userId, name: m.name }))}
            statuses={STATUSES}
          />
          <div className="mt-4">
            <FormError message={searchError} />
          </div>
          {page.nodes.length === 0 ? (
            !searchError && (
              <p className="mt-2 text-sm text-slate-500">
                No submissions{Object.values(filters).some(Boolean) ? " match these filters" : " yet"}.
              </p>
            )
          ) : (
            <div className="relative -mx-5 mt-2 overflow-x-auto sm:-mx-6">
              <table className="min-w-full text-left text-sm">
                <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th scope="col" className="px-5 py-2 font-medium sm:px-6">
                      Name
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Student
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Status
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Test accuracy
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Submitted
                    </th>
                    <th scope="col" className="px-5 py-2 font-medium sm:px-6">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {page.nodes.map((s) => {
                    const finished = s.status === "SUCCEEDED" || s.status === "FAILED" || s.status === "CANCELLED";
                    return (
                      <tr key={s.id} data-testid="manage-submission-row">
                        <td className="min-w-40 px-5 py-2.5 sm:px-6">
                          <Link
                            href={`/submissions/${s.id}`}
                            className="font-medium text-brand-600 hover:text-brand-700"
                          >
                            {s.name}
                          </Link>
                          {s.failureReason && <div className="max-w-xs text-xs text-rose-700">{s.failureReason}</div>}
                        </td>
                        <td className="min-w-32 px-3 py-2.5">{s.author.name}</td>
                        <td className="whitespace-nowrap px-3 py-2.5">
                          <StatusBadge status={s.status} />
                          {s.cancelRequested && s.status === "RUNNING" && (
                            <span className="ml-1 text-xs text-amber-700">cancelling…</span>
                          )}
                        </td>
                        <td className="px-3 py-2.5 text-right font-mono tabular-nums">
                          {formatPercent(s.result?.testAccuracy)}
                        </td>
                        <td className="whitespace-nowrap px-3 py-2.5 text-slate-500">{formatDate(s.createdAt)}</td>
                        <td className="px-5 py-2.5 text-right sm:px-6">
                          {finished ? (
                            <ConfirmAction
                              action={rescoreAction}
                              fields={{ classSlug: slug, submissionId: s.id }}
                              label="Re-score"
                              accessibleLabel={`Re-score ${s.name} by ${s.author.name}`}
                              title={`Re-score “${s.name}”?`}
                              message="Its current result is dropped and it trains again from scratch. It does not count against the student's quota."
                              confirmLabel="Re-score"
                              pendingText="Queueing…"
                              size="sm"
                            />
                          ) : s.cancelRequested ? null : (
                            <ConfirmAction
                              action={cancelSubmissionAction}
                              fields={{ classSlug: slug, submissionId: s.id }}
                              label="Cancel"
                              accessibleLabel={`Cancel ${s.name} by ${s.author.name}`}
                              title={`Cancel “${s.name}”?`}
                              message="Training stops within one batch. You can re-score it later."
                              confirmLabel="Cancel training"
                              pendingText="Cancelling…"
                              variant="danger"
                              size="sm"
                            />
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {(after || page.hasNextPage) && (
            <nav
              aria-label="Submission pages"
              className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm"
            >
              {after ? (
                <Link
                  href={`${base}${query(filters)}#submissions-heading`}
                  className="font-medium text-brand-600 hover:text-brand-700"
                >
                  ← First page
                </Link>
              ) : (
                <span />
              )}
              {page.hasNextPage && page.endCursor && (
                <Link
                  href={`${base}${query(filters, page.endCursor)}#submissions-heading`}
                  className="rounded-md bg-white px-3 py-1.5 font-semibold text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
                >
                  Next {PAGE_SIZE} →
                </Link>
              )}
            </nav>
          )}
        </Card>
      </div>
    </>
  );
}
