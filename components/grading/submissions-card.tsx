import Link from "next/link";
import type { SubmissionPage } from "@/lib/server/services/grading/search-submissions";
import { SubmissionTable } from "../submission-table";
import { Card, FormError, pluralize } from "../ui";
import { SubmissionAction, type SubmissionActions } from "./submission-action";
import { type Filters, isFiltered, SUBMISSIONS_ANCHOR, SubmissionFilters, submissionsHref } from "./submission-filters";

/**
 * Every submission of the class, filtered and paged through the URL (a GET form and links), with
 * each row's re-score or cancel. A filter the service rejects arrives as `searchError`.
 */
export function SubmissionsCard({
  base,
  classSlug,
  page,
  pageSize,
  filters,
  after,
  searchError,
  students,
  statuses,
  actions,
}: {
  /** The manage page's path: the form's action and the links' base. */
  base: string;
  classSlug: string;
  page: SubmissionPage;
  pageSize: number;
  filters: Filters;
  /** The cursor this page starts after (none on the first page). */
  after: string | undefined;
  searchError: string | undefined;
  students: Array<{ id: string; name: string }>;
  statuses: readonly string[];
  actions: SubmissionActions;
}) {
  const filtered = isFiltered(filters);
  return (
    <Card aria-labelledby={SUBMISSIONS_ANCHOR}>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={SUBMISSIONS_ANCHOR} className="font-semibold">
          All submissions
        </h2>
        <p className="text-sm text-slate-500" data-testid="submission-count" aria-live="polite">
          {pluralize(page.totalCount, "submission")}
          {filtered ? " match" : ""}
        </p>
      </div>
      <SubmissionFilters action={base} filters={filters} students={students} statuses={statuses} />
      <div className="mt-4">
        <FormError message={searchError} />
      </div>
      {page.nodes.length === 0 ? (
        !searchError && (
          <p className="mt-2 text-sm text-slate-500">No submissions{filtered ? " match these filters" : " yet"}.</p>
        )
      ) : (
        <SubmissionTable
          className="mt-2"
          submissions={page.nodes}
          showAuthor
          triage
          rowTestId="manage-submission-row"
          actions={(s) => <SubmissionAction submission={s} classSlug={classSlug} actions={actions} />}
        />
      )}
      {(after || page.hasNextPage) && (
        <nav aria-label="Submission pages" className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm">
          {after ? (
            <Link href={submissionsHref(base, filters)} className="font-medium text-brand-600 hover:text-brand-700">
              ← First page
            </Link>
          ) : (
            <span />
          )}
          {page.hasNextPage && page.endCursor && (
            <Link
              href={submissionsHref(base, filters, page.endCursor)}
              className="rounded-md bg-white px-3 py-1.5 font-semibold text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
            >
              Next {pageSize} →
            </Link>
          )}
        </nav>
      )}
    </Card>
  );
}
