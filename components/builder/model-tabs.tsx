"use client";
import type { ReactNode } from "react";
import { cx } from "../ui";
import type { BuilderMode } from "./builder-state";

const TABS: { mode: BuilderMode; id: string; label: string }[] = [
  { mode: "builder", id: "tab-builder", label: "Layer builder" },
  { mode: "json", id: "tab-json", label: "Paste Keras JSON" },
];

/**
 * The two ways to define the model, as WAI-ARIA tabs over one panel. Choosing the other tab is a
 * conversion (the builder's model as JSON, or the JSON opened in the builder), so it goes through
 * `onSwitch`, which may refuse and stay.
 */
export function ModelTabs({
  mode,
  onSwitch,
  children,
}: {
  mode: BuilderMode;
  onSwitch: (to: BuilderMode) => void;
  children: ReactNode;
}) {
  const current = TABS.find((t) => t.mode === mode)!;
  return (
    <div>
      <div role="tablist" aria-label="How to define the model" className="flex gap-1 border-b border-slate-200">
        {TABS.map((tab) => {
          const active = tab.mode === mode;
          return (
            <button
              key={tab.mode}
              type="button"
              role="tab"
              id={tab.id}
              aria-selected={active}
              aria-controls="panel-model"
              className={cx(
                "rounded-t-md px-3 py-1.5 text-sm font-medium",
                active
                  ? "bg-white text-slate-900 ring-1 ring-slate-200 ring-b-0"
                  : "text-slate-600 hover:text-slate-900",
              )}
              onClick={() => (active ? undefined : onSwitch(tab.mode))}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      <div
        id="panel-model"
        role="tabpanel"
        aria-labelledby={current.id}
        className="rounded-b-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5"
      >
        {children}
      </div>
    </div>
  );
}
