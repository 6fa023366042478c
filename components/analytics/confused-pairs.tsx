import { formatCount } from "../ui";
import { OKABE_ITO } from "./colour";
import type { PlotPair, Scope } from "./types";

/** The class's most confused pairs as a ranked list of bars: a list is a list to a screen reader too. */
export function ConfusedPairsList({
  pairs,
  runs,
  runsWithoutPredictions,
  scope,
}: {
  pairs: PlotPair[];
  runs: number;
  runsWithoutPredictions: number;
  scope: Scope;
}) {
  const top = Math.max(1, ...pairs.map((p) => p.count));
  return (
    <div>
      <p className="mb-3 text-sm text-slate-600">
        Test images of one class predicted as another, summed over the latest succeeded run of each of {runs}{" "}
        {runs === 1 ? "author" : "authors"}, on {scope === "PUBLIC_HALF" ? "the public half of" : "all of"} the test
        set.
        {runsWithoutPredictions > 0 &&
          ` ${runsWithoutPredictions} latest ${runsWithoutPredictions === 1 ? "run was" : "runs were"} scored before predictions were stored and ${runsWithoutPredictions === 1 ? "is" : "are"} not counted.`}
      </p>
      {pairs.length === 0 ? (
        <p className="text-sm text-slate-600">No confusions to show yet.</p>
      ) : (
        <ol className="space-y-2" aria-label="Most confused pairs, true class then predicted class">
          {pairs.map((p, i) => (
            <li
              key={`${p.trueName}-${p.predictedName}`}
              className="grid grid-cols-[1.5rem_minmax(0,14rem)_1fr_3.5rem] items-center gap-2 text-sm"
              data-testid="confused-pair"
            >
              <span className="text-right text-slate-500 tabular-nums">{i + 1}.</span>
              <span>
                {p.trueName} <span aria-hidden="true">→</span>
                <span className="sr-only">predicted as</span> {p.predictedName}
              </span>
              <span className="h-3 rounded-sm bg-slate-100" aria-hidden="true">
                <span
                  className="block h-3 rounded-sm"
                  style={{ width: `${(p.count / top) * 100}%`, background: OKABE_ITO.blue }}
                />
              </span>
              <span className="text-right tabular-nums" data-testid="confused-count">
                {formatCount(p.count)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
