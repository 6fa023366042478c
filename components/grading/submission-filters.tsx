import Link from "next/link";
import { sentenceCase } from "../ui";

export interface Filters {
  student: string;
  status: string;
  from: string;
  to: string;
  /** "yes": only the submissions their authors marked final. */
  final: string;
}

/** The id of the submissions' heading, which links to a filtered view scroll to. */
export const SUBMISSIONS_ANCHOR = "submissions-heading";

export function isFiltered(filters: Filters): boolean {
  return Object.values(filters).some(Boolean);
}

/** The page's URL with these filters (and a cursor), scrolled to the submissions; what the form below writes. */
export function submissionsHref(base: string, filters: Filters, after?: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (after) params.set("after", after);
  const query = params.toString();
  return `${base}${query ? `?${query}` : ""}#${SUBMISSIONS_ANCHOR}`;
}

const control =
  "mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-brand-600 sm:text-sm";

/** A plain GET form: the filters live in the URL, so a filtered view can be bookmarked or shared. */
export function SubmissionFilters({
  action,
  filters,
  students,
  statuses,
}: {
  action: string;
  filters: Filters;
  students: Array<{ id: string; name: string }>;
  statuses: readonly string[];
}) {
  return (
    <form
      method="get"
      action={action}
      aria-label="Filter submissions"
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-end"
    >
      <div>
        <label htmlFor="filter-student" className="block text-sm font-medium text-slate-700">
          Student
        </label>
        <select id="filter-student" name="student" defaultValue={filters.student} className={control}>
          <option value="">All students</option>
          {students.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-status" className="block text-sm font-medium text-slate-700">
          Status
        </label>
        <select id="filter-status" name="status" defaultValue={filters.status} className={control}>
          <option value="">Any status</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {sentenceCase(s)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-from" className="block text-sm font-medium text-slate-700">
          Submitted from
        </label>
        <input id="filter-from" name="from" type="date" defaultValue={filters.from} className={control} />
      </div>
      <div>
        <label htmlFor="filter-to" className="block text-sm font-medium text-slate-700">
          Submitted to
        </label>
        <input id="filter-to" name="to" type="date" defaultValue={filters.to} className={control} />
      </div>
      <div className="flex items-center gap-2 self-end pb-2">
        <input
          id="filter-final"
          name="final"
          type="checkbox"
          value="yes"
          defaultChecked={filters.final === "yes"}
          className="h-4 w-4 rounded border-slate-300 text-brand-600"
        />
        <label htmlFor="filter-final" className="text-sm font-medium text-slate-700">
          Final selections only
        </label>
      </div>
      <div className="flex items-center gap-3">
        <button
          type="submit"
          className="inline-flex items-center justify-center rounded-md bg-brand-600 px-3.5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700"
        >
          Apply filters
        </button>
        {isFiltered(filters) && (
          <Link href={action} className="text-sm font-medium text-slate-600 hover:text-slate-900">
            Clear
          </Link>
        )}
      </div>
    </form>
  );
}
