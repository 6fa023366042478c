"use server";
import { revalidatePath } from "next/cache";
import { type FormState, formStateFromError, formValues } from "@/lib/server/action-state";
import { viewerFromSession } from "@/lib/server/request-viewer";
import { cancelSubmission } from "@/lib/server/services/submissions/cancel-submission";
import { selectFinal } from "@/lib/server/services/submissions/select-final";
import type { SubmissionView } from "@/lib/server/services/submissions/view";

/**
 * Asks a queued or running submission to stop: from its own page (the live status panel) and from
 * the graders' manage page, which sends its class's slug so that its list is rendered again.
 * The submission's page follows the status by its event stream and needs no refresh.
 */
export async function cancelSubmissionAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["submissionId", "classSlug"]);
  let submission: SubmissionView;
  try {
    submission = await cancelSubmission(await viewerFromSession(), values.submissionId ?? "");
  } catch (error) {
    return formStateFromError(error, values);
  }
  if (values.classSlug) revalidatePath(`/classes/${values.classSlug}/manage`);
  return {
    values: {
      // `done` closes the manage page's confirmation dialog; the other two are what the live panel shows.
      done: String(Date.now()),
      status: submission.status,
      cancelRequested: String(submission.cancelRequested),
    },
  };
}

/**
 * Marks one's own succeeded submission final or unmarks it (its page). The page and the class's
 * board render again: the count on the page and the private board both follow the selection.
 */
export async function selectFinalAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["submissionId", "final"]);
  let submission: SubmissionView;
  try {
    submission = await selectFinal(await viewerFromSession(), {
      submissionId: values.submissionId ?? "",
      final: values.final === "true",
    });
  } catch (error) {
    return formStateFromError(error, values);
  }
  revalidatePath(`/submissions/${submission.id}`);
  revalidatePath(`/classes/${submission.classSlug}`);
  return { values: { done: String(Date.now()), isFinal: String(submission.isFinal) } };
}
