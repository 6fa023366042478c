"use client";
import type { ArchError, ParseResult, Summary } from "@/trainer/arch";
import { ModelSummaryTable } from "../model-summary";
import { Card } from "../ui";
import type { BuilderMode } from "./builder-state";
import { describeArchError, errorKeys } from "./model";

/**
 * The model as Keras's `model.summary()` would print it, or what stops it from being one: the
 * errors no layer row shows, then the trainer's notes. Errors are announced as they change.
 */
export function SummaryPanel({
  mode,
  parsed,
  summary,
  modelErrors,
  secondsPerEpoch,
  estimateBasis,
  serverError,
}: {
  mode: BuilderMode;
  parsed: ParseResult;
  summary: Summary | null;
  modelErrors: ArchError[];
  secondsPerEpoch: number | null;
  estimateBasis: string;
  /** The server's verdict on the architecture, after a submit. */
  serverError: string | undefined;
}) {
  const keys = errorKeys(modelErrors);
  return (
    <Card headingId="summary-heading" heading="Summary" headingClassName="mb-3">
      <div id="model-errors" aria-live="polite">
        {modelErrors.length > 0 && (
          <ul
            className="mb-3 space-y-1 rounded-md bg-rose-50 p-3 text-sm text-rose-800 ring-1 ring-rose-200"
            data-testid="model-errors"
          >
            {modelErrors.map((e, i) => (
              <li key={keys[i]}>
                {e.layerIndex !== null && (
                  <strong>
                    Layer {e.layerIndex + 1}
                    {e.layerName ? ` '${e.layerName}'` : ""}
                    {e.field ? `, ${e.field}` : ""}:{" "}
                  </strong>
                )}
                {describeArchError(e)}
              </li>
            ))}
          </ul>
        )}
        {mode === "builder" && !parsed.ok && modelErrors.length === 0 && (
          <p className="mb-3 text-sm text-rose-700">Fix the highlighted layer to see the summary.</p>
        )}
        {parsed.ok && parsed.notes.length > 0 && (
          <ul className="mb-3 space-y-1 text-xs text-slate-600">
            {parsed.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        )}
      </div>
      {summary && (
        <ModelSummaryTable summary={summary} secondsPerEpoch={secondsPerEpoch} estimateBasis={estimateBasis} />
      )}
      {serverError && <p className="mt-2 text-sm text-rose-600">{serverError}</p>}
    </Card>
  );
}
