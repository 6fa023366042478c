"use server";
import { type FormState, formStateFromError, formValues } from "@/lib/server/action-state";
import { viewerFromSession } from "@/lib/server/request-viewer";
import { cancelSubmission } from "@/lib/server/services/submissions/cancel-submission";

export async function cancelSubmissionAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["id"]);
  try {
    const submission = await cancelSubmission(await viewerFromSession(), values.id ?? "");
    // The page's event stream shows the status change; this only confirms the request.
    return { values: { status: submission.status, cancelRequested: String(submission.cancelRequested) } };
  } catch (error) {
    return formStateFromError(error, values);
  }
}
