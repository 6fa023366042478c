"use client";
import Link from "next/link";
import { createContext, type ReactNode, useContext, useState } from "react";
import { compareHref, MAX_COMPARED } from "@/lib/compare/url";

// Picking submissions to compare on the class page: one selection shared by the leaderboard and
// the submissions table (a run ticked in one shows ticked in the other), and a bar that links to
// the compare view once two are ticked. Outside a <CompareSelection> the checkboxes render nothing.

interface Picked {
  id: string;
  name: string;
}

const Selection = createContext<{
  picked: Picked[];
  toggle: (p: Picked) => void;
  clear: () => void;
} | null>(null);

export function CompareSelection({ classSlug, children }: { classSlug: string; children: ReactNode }) {
  const [picked, setPicked] = useState<Picked[]>([]);
  const toggle = (p: Picked) =>
    setPicked((now) =>
      now.some((x) => x.id === p.id) ? now.filter((x) => x.id !== p.id) : now.length < MAX_COMPARED ? [...now, p] : now,
    );
  const clear = () => setPicked([]);
  return (
    <Selection.Provider value={{ picked, toggle, clear }}>
      {children}
      <section
        aria-label="Comparison"
        className={
          picked.length
            ? "sticky bottom-4 z-10 mt-4 flex flex-wrap items-center gap-3 rounded-xl bg-slate-900 px-4 py-3 text-sm text-white shadow-lg"
            : "sr-only"
        }
        data-testid="compare-bar"
      >
        <p aria-live="polite" className="min-w-0 flex-1">
          {picked.length === 0
            ? "Tick up to 4 trained submissions to compare them."
            : `${picked.length} of ${MAX_COMPARED} picked: ${picked.map((p) => p.name).join(", ")}${picked.length < 2 ? " (pick one more)" : ""}`}
        </p>
        {picked.length > 0 && (
          <button
            type="button"
            onClick={clear}
            className="rounded-md px-2.5 py-1.5 text-slate-200 ring-1 ring-slate-600 hover:bg-slate-800"
          >
            Clear
          </button>
        )}
        {picked.length >= 2 ? (
          <Link
            href={compareHref(
              classSlug,
              picked.map((p) => p.id),
            )}
            className="rounded-md bg-white px-3 py-1.5 font-semibold text-slate-900 hover:bg-slate-100"
          >
            Compare selected ({picked.length})
          </Link>
        ) : (
          picked.length > 0 && (
            <span aria-disabled="true" className="rounded-md bg-slate-700 px-3 py-1.5 font-semibold text-slate-300">
              Compare selected ({picked.length})
            </span>
          )
        )}
      </section>
    </Selection.Provider>
  );
}

/**
 * A run's "compare" tick box. `unavailable` says why it can't be compared (not trained yet); a
 * fifth pick is refused by disabling the unticked boxes, with the reason in their title.
 */
export function CompareCheckbox({ id, name, unavailable }: { id: string; name: string; unavailable?: string }) {
  const selection = useContext(Selection);
  if (!selection) return null;
  const checked = selection.picked.some((p) => p.id === id);
  const full = !checked && selection.picked.length >= MAX_COMPARED;
  const reason = unavailable ?? (full ? `At most ${MAX_COMPARED} submissions at once.` : undefined);
  return (
    <input
      type="checkbox"
      aria-label={`Compare ${name}`}
      title={reason ?? `Compare ${name}`}
      checked={checked}
      disabled={reason !== undefined}
      onChange={() => selection.toggle({ id, name })}
      className="h-4 w-4 rounded border-slate-300 align-middle disabled:opacity-40"
      data-testid="compare-checkbox"
    />
  );
}
