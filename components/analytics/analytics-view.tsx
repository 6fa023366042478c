"use client";
import { useSearchParams } from "next/navigation";
import { type KeyboardEvent, useMemo, useRef } from "react";
import { cx } from "../ui";
import { ByDayChart } from "./by-day-chart";
import { ConfusedPairsList } from "./confused-pairs";
import { ParallelCoordinates } from "./parallel-coordinates";
import { COST_LABELS, ParetoScatter } from "./pareto-scatter";
import type { PlotDay, PlotPair, PlotPoint, Scope } from "./types";
import {
  type AnalyticsState,
  type Brushes,
  COSTS,
  type Cost,
  readState,
  VIEWS,
  type View,
  writeState,
} from "./url-state";

const VIEW_LABELS: Record<View, string> = {
  pareto: "Accuracy vs size",
  hyperparameters: "Hyperparameters",
  days: "By day",
  confusion: "Confused classes",
};

export interface AnalyticsData {
  points: PlotPoint[];
  fronts: Record<Cost, PlotPoint[]>;
  days: PlotDay[];
  confused: { pairs: PlotPair[]; runs: number; runsWithoutPredictions: number };
  scope: Scope;
  showsNames: boolean;
}

/**
 * The analytics page's views as tabs. The state is the URL's (url-state.ts): changes are written
 * with the History API, which Next.js's useSearchParams follows without a server round trip, so
 * the back button and a shared link both land on the same view.
 */
export function AnalyticsView({ data }: { data: AnalyticsData }) {
  const params = useSearchParams();
  // Memoised on the URL: the parallel coordinates redraw their lines only when the brushes change.
  const state = useMemo(() => readState(params), [params]);
  const tabs = useRef<Record<View, HTMLButtonElement | null>>({} as never);
  const go = (next: AnalyticsState, push: boolean) => {
    const url = `${window.location.pathname}${writeState(next)}`;
    if (push) window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  };
  const setView = (view: View) => {
    go({ ...state, view }, true);
    tabs.current[view]?.focus();
  };
  const onTabKey = (event: KeyboardEvent) => {
    const i = VIEWS.indexOf(state.view);
    const to =
      event.key === "ArrowRight"
        ? VIEWS[(i + 1) % VIEWS.length]
        : event.key === "ArrowLeft"
          ? VIEWS[(i + VIEWS.length - 1) % VIEWS.length]
          : event.key === "Home"
            ? VIEWS[0]
            : event.key === "End"
              ? VIEWS[VIEWS.length - 1]
              : null;
    if (!to) return;
    event.preventDefault();
    setView(to);
  };
  const front = data.fronts[state.cost];
  return (
    <div>
      <p className="mb-4 text-sm text-slate-600" data-testid="analytics-scope">
        {data.points.length} succeeded {data.points.length === 1 ? "run" : "runs"}. Accuracy on{" "}
        {data.scope === "PUBLIC_HALF" ? "the public half of the test set" : "the full test set"}.{" "}
        {data.showsNames
          ? "Runs are named by their authors."
          : "Classmates are shown as Student 1, 2, … (numbered by when they first submitted); your own runs as You."}
      </p>
      <div role="tablist" aria-label="Analytics views" className="mb-4 flex flex-wrap gap-1 border-b border-slate-200">
        {VIEWS.map((view) => (
          <button
            key={view}
            ref={(el) => {
              tabs.current[view] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${view}`}
            aria-selected={state.view === view}
            aria-controls={`panel-${view}`}
            tabIndex={state.view === view ? 0 : -1}
            onClick={() => setView(view)}
            onKeyDown={onTabKey}
            className={cx(
              "-mb-px rounded-t-md border-b-2 px-3 py-2 text-sm font-semibold",
              state.view === view
                ? "border-brand-600 text-brand-700"
                : "border-transparent text-slate-600 hover:text-slate-900",
            )}
          >
            {VIEW_LABELS[view]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${state.view}`} aria-labelledby={`tab-${state.view}`} tabIndex={-1}>
        {state.view === "pareto" && (
          <>
            <fieldset className="mb-3 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
              <legend className="sr-only">Plot accuracy against</legend>
              <span aria-hidden="true" className="font-medium">
                Accuracy against
              </span>
              {COSTS.map((cost) => (
                <label key={cost} className="inline-flex items-center gap-1">
                  <input
                    type="radio"
                    name="cost"
                    value={cost}
                    checked={state.cost === cost}
                    onChange={() => go({ ...state, cost }, false)}
                  />
                  {COST_LABELS[cost]}
                </label>
              ))}
            </fieldset>
            {data.points.length === 0 ? (
              <p className="text-sm text-slate-600">No succeeded runs yet.</p>
            ) : (
              <ParetoScatter points={data.points} front={front} cost={state.cost} />
            )}
          </>
        )}
        {state.view === "hyperparameters" && (
          <ParallelCoordinates
            points={data.points}
            brushes={state.brushes}
            onBrushes={(brushes: Brushes) => go({ ...state, brushes }, false)}
          />
        )}
        {state.view === "days" && <ByDayChart days={data.days} />}
        {state.view === "confusion" && <ConfusedPairsList {...data.confused} scope={data.scope} />}
      </div>
    </div>
  );
}
