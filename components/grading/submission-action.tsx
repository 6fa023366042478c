import type { SubmissionView } from "@/lib/server/services/submissions/view";
import { isTerminal } from "@/lib/submission-status";
import type { FormAction } from "../ui";
import { ConfirmAction } from "./confirm-action";

export interface SubmissionActions {
  retrain: FormAction;
  reevaluate: FormAction;
  cancel: FormAction;
}

type Row = Pick<SubmissionView, "id" | "name" | "status" | "cancelRequested" | "author" | "viewerCan"> & {
  result: Pick<NonNullable<SubmissionView["result"]>, "model" | "reevaluating"> | null;
};

/**
 * What a grader can do to one submission, asked first in a dialog. A finished one can be
 * re-evaluated (its stored model scored again, seconds, no training) when a model is stored, or
 * retrained from scratch; a queued or running one cancelled. While a cancel or a re-evaluation is
 * on its way there is nothing more to offer for it.
 */
export function SubmissionAction({
  submission: s,
  classSlug,
  actions,
}: {
  submission: Row;
  classSlug: string;
  actions: SubmissionActions;
}) {
  const fields = { classSlug, submissionId: s.id };
  const label = (verb: string) => `${verb} ${s.name} by ${s.author.name}`;
  if (!isTerminal(s.status)) {
    if (s.cancelRequested || !s.viewerCan.cancel) return null;
    return (
      <ConfirmAction
        action={actions.cancel}
        label="Cancel"
        title={`Cancel “${s.name}”?`}
        message="Training stops within one batch. You can retrain it later."
        confirmLabel="Cancel training"
        pendingText="Cancelling…"
        variant="danger"
        fields={fields}
        accessibleLabel={label("Cancel")}
        size="sm"
      />
    );
  }
  const canReevaluate = s.viewerCan.reevaluate && s.status === "SUCCEEDED" && s.result?.model;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {canReevaluate &&
        (s.result?.reevaluating ? (
          <span className="text-xs text-slate-500">Re-evaluating…</span>
        ) : (
          <ConfirmAction
            action={actions.reevaluate}
            label="Re-evaluate"
            title={`Re-evaluate “${s.name}”?`}
            message="Its stored trained model is scored on the test set again, in seconds, without training. Use it when scoring changed; the result is replaced when the new scores are in."
            confirmLabel="Re-evaluate"
            pendingText="Queueing…"
            variant="secondary"
            fields={fields}
            accessibleLabel={label("Re-evaluate")}
            size="sm"
          />
        ))}
      {s.viewerCan.retrain && (
        <ConfirmAction
          action={actions.retrain}
          label="Retrain"
          title={`Retrain “${s.name}”?`}
          message="Its current result and trained model are dropped and it trains again from scratch. It does not count against the student's quota."
          confirmLabel="Retrain"
          pendingText="Queueing…"
          variant="secondary"
          fields={fields}
          accessibleLabel={label("Retrain")}
          size="sm"
        />
      )}
    </span>
  );
}
