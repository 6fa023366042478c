"use client";
import { useActionState } from "react";
import { SubmitButton } from "../submit-button";
import { type FormAction, FormError } from "../ui";

/**
 * Marks a succeeded submission final, or unmarks it (its author, until the deadline). The private
 * board ranks the author's best final submission, or their best overall when none is marked. The
 * page renders again after the action (revalidated), so the count and the state come from the server.
 */
export function FinalToggle({
  action,
  submissionId,
  isFinal,
  selected,
  max,
  frozen,
}: {
  action: FormAction;
  submissionId: string;
  isFinal: boolean;
  /** How many of the author's submissions in the class are final. */
  selected: number;
  max: number;
  frozen: boolean;
}) {
  const [state, formAction] = useActionState(action, {});
  const full = !isFinal && selected >= max;
  return (
    <form action={formAction} className="space-y-2" aria-label="Final selection">
      <input type="hidden" name="submissionId" value={submissionId} />
      <input type="hidden" name="final" value={isFinal ? "false" : "true"} />
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton
          variant={isFinal ? "secondary" : "primary"}
          pendingText={isFinal ? "Unmarking…" : "Marking…"}
          disabled={frozen || full}
        >
          {isFinal ? "Unmark final" : "Mark as final"}
        </SubmitButton>
        <p className="text-sm text-slate-600" data-testid="final-count">
          {selected} of {max} selected
          {isFinal ? " · this one is final" : ""}
          {frozen ? " · frozen at the deadline" : full ? " · unmark one to choose this one" : ""}
        </p>
      </div>
      <p className="text-xs text-slate-500">
        The private board ranks your best final submission, or your best overall when none is marked.
      </p>
      <FormError message={state.error} />
    </form>
  );
}
