"use client";
import { cx } from "../ui";

// The submit form's number inputs (typed as text so a half-typed value is kept and the trainer's
// schema names what is wrong), shared by the training settings and their recipes.

/**
 * A typed value as the trainer's config takes it: a number, nothing for an empty field, or the
 * text itself, so the schema's error names the field instead of it silently becoming NaN.
 */
export const num = (s: string): unknown => {
  const t = s.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
};

export const inputClass = (error?: string) =>
  cx(
    "mt-1 block w-full rounded-md border-0 px-2.5 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset focus:ring-2 focus:ring-inset",
    error ? "ring-rose-400 focus:ring-rose-500" : "ring-slate-300 focus:ring-brand-600",
  );

export function NumberField({
  id,
  label,
  value,
  onChange,
  error,
  step,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  step?: string;
  hint?: string;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        data-step={step}
        className={inputClass(error)}
      />
      {hint && !error && (
        <p id={`${id}-hint`} className="mt-0.5 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="mt-0.5 text-xs text-rose-600">
          {error}
        </p>
      )}
    </div>
  );
}
