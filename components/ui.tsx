import type { ComponentProps, ReactNode } from "react";
import type { FormState } from "@/lib/server/action-state";

/** A server action as a form posts to it with `useActionState`. */
export type FormAction = (prev: FormState, formData: FormData) => Promise<FormState>;

export function cx(...classes: Array<string | false | null | undefined>): string {
  return classes.filter(Boolean).join(" ");
}

const buttonStyles = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:bg-brand-600/60",
  secondary: "bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50",
  danger: "bg-rose-600 text-white hover:bg-rose-700",
} as const;

export function Button({
  variant = "primary",
  className,
  ...props
}: ComponentProps<"button"> & { variant?: keyof typeof buttonStyles }) {
  return (
    <button
      className={cx(
        "inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-semibold shadow-sm transition disabled:cursor-not-allowed",
        buttonStyles[variant],
        className,
      )}
      {...props}
    />
  );
}

/** A white panel. With `heading` it is a region named by its <h2>, which `headingId` links it to. */
export function Card({
  className,
  heading,
  headingId,
  headingClassName,
  children,
  ...props
}: ComponentProps<"section"> & { heading?: ReactNode; headingId?: string; headingClassName?: string }) {
  return (
    <section
      aria-labelledby={heading ? headingId : undefined}
      className={cx("min-w-0 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200 sm:p-6", className)}
      {...props}
    >
      {heading && (
        <h2 id={headingId} className={cx(headingClassName, "font-semibold")}>
          {heading}
        </h2>
      )}
      {children}
    </section>
  );
}

export function Field({
  label,
  name,
  error,
  hint,
  className,
  ...input
}: ComponentProps<"input"> & { label: string; name: string; error?: string; hint?: ReactNode }) {
  const id = input.id ?? `field-${name}`;
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        className={cx(
          "mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset sm:text-sm",
          error ? "ring-rose-400 focus:ring-rose-500" : "ring-slate-300 focus:ring-brand-600",
        )}
        {...input}
      />
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="mt-1 text-sm text-rose-600">
          {error}
        </p>
      )}
    </div>
  );
}

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700 ring-1 ring-rose-200">
      {message}
    </p>
  );
}

const statusStyles: Record<string, string> = {
  QUEUED: "bg-slate-100 text-slate-700 ring-slate-300",
  RUNNING: "bg-sky-50 text-sky-800 ring-sky-300",
  SUCCEEDED: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  FAILED: "bg-rose-50 text-rose-800 ring-rose-300",
  CANCELLED: "bg-amber-50 text-amber-800 ring-amber-300",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      className={cx(
        "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        statusStyles[status] ?? statusStyles.QUEUED,
      )}
    >
      {sentenceCase(status)}
    </span>
  );
}

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">{title}</h1>
        {subtitle && <div className="mt-1 text-sm text-slate-600">{subtitle}</div>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  );
}

export function formatPercent(value: number | null | undefined, digits = 2): string {
  return value == null ? "—" : `${(value * 100).toFixed(digits)} %`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 90) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function formatDate(date: Date): string {
  return `${new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(date)} UTC`;
}

/** Numbers people read (parameters, images): grouped by thousands the same way on server and client. */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/** "3 members", "1 member": the count and the noun, which takes an "s" unless there is exactly one. */
export function pluralize(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

/** An enum's name as a word: "QUEUED" → "Queued", "GRADER" → "Grader". */
export function sentenceCase(name: string): string {
  return name.charAt(0) + name.slice(1).toLowerCase();
}

export interface Column {
  label: string;
  /** Named for screen readers only (a column of buttons). */
  hidden?: boolean;
  className?: string;
}

/** A header row of `<th scope="col">` cells: the table's cell style, then each column's own. */
export function TableHead({
  columns,
  className,
  cellClassName,
}: {
  /** `false` leaves a column out (one only some viewers get). */
  columns: ReadonlyArray<Column | false>;
  className?: string;
  cellClassName?: string;
}) {
  return (
    <thead className={className}>
      <tr>
        {columns
          .filter((c) => c !== false)
          .map((c) => (
            <th key={c.label} scope="col" className={cx(cellClassName, c.className)}>
              {c.hidden ? <span className="sr-only">{c.label}</span> : c.label}
            </th>
          ))}
      </tr>
    </thead>
  );
}

/** Padding of a data table's cells: the first and last columns line up with the card's own padding. */
export const dataCell = { edge: "px-5 sm:px-6", inner: "px-3" } as const;

export interface DataColumn extends Column {
  /** Right-aligned (numbers). */
  numeric?: boolean;
  /** At the card's edge (the first column always is). */
  edge?: boolean;
}

/** A card's full-width table (bleeding to the card's edges), scrolling sideways where it is too wide. */
export function DataTable({
  columns,
  className,
  children,
}: {
  columns: ReadonlyArray<DataColumn | false>;
  className?: string;
  children: ReactNode;
}) {
  const heads = columns.map(
    (c, i) =>
      c && { ...c, className: cx(i === 0 || c.edge ? dataCell.edge : dataCell.inner, c.numeric && "text-right") },
  );
  return (
    // `relative`: sr-only headers and labels are absolutely positioned and would otherwise escape
    // the scroll container and widen the page at phone width.
    <div className={cx("relative -mx-5 overflow-x-auto sm:-mx-6", className)}>
      <table className="min-w-full text-left text-sm">
        <TableHead
          columns={heads}
          className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500"
          cellClassName="py-2 font-medium"
        />
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
