import type { SubmissionView } from "@/lib/server/services/submissions/view";
import { isTerminal } from "@/lib/submission-status";
import type { FormAction } from "../ui";
import { ConfirmAction } from "./confirm-action";

/**
 * What a grader can do to one submission, asked first in a dialog: a finished one can be re-scored
 * (trained again from scratch), a queued or running one cancelled. While a cancel is on its way
 * there is nothing to offer.
 */
export function SubmissionAction({
  submission: s,
  classSlug,
  rescoreAction,
  cancelAction,
}: {
  submission: Pick<SubmissionView, "id" | "name" | "status" | "cancelRequested" | "author" | "viewerCan">;
  classSlug: string;
  rescoreAction: FormAction;
  cancelAction: FormAction;
}) {
  const finished = isTerminal(s.status);
  if (finished ? !s.viewerCan.rescore : s.cancelRequested || !s.viewerCan.cancel) return null;
  const confirm = finished
    ? {
        action: rescoreAction,
        label: "Re-score",
        title: `Re-score “${s.name}”?`,
        message:
          "Its current result is dropped and it trains again from scratch. It does not count against the student's quota.",
        confirmLabel: "Re-score",
        pendingText: "Queueing…",
        variant: "secondary" as const,
      }
    : {
        action: cancelAction,
        label: "Cancel",
        title: `Cancel “${s.name}”?`,
        message: "Training stops within one batch. You can re-score it later.",
        confirmLabel: "Cancel training",
        pendingText: "Cancelling…",
        variant: "danger" as const,
      };
  return (
    <ConfirmAction
      {...confirm}
      fields={{ classSlug, submissionId: s.id }}
      accessibleLabel={`${confirm.label} ${s.name} by ${s.author.name}`}
      size="sm"
    />
  );
}
