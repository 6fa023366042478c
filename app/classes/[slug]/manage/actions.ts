"use server";
import { revalidatePath } from "next/cache";
import { type FormState, formStateFromError, formValues } from "@/lib/server/action-state";
import { viewerFromSession } from "@/lib/server/request-viewer";
import { rotateJoinCode } from "@/lib/server/services/grading/join-code";
import { readmitMember } from "@/lib/server/services/grading/readmit-member";
import { reevaluateSubmission } from "@/lib/server/services/grading/reevaluate-submission";
import { retrainSubmission } from "@/lib/server/services/grading/retrain-submission";
import { removeMember, setMemberRole } from "@/lib/server/services/grading/roles";
import { revealPrivateLeaderboard, updateClassSettings } from "@/lib/server/services/grading/settings";
import type { Viewer } from "@/lib/server/viewer";

// The grader page's server actions: read the form, call one service with the session's viewer
// (which checks access itself), map the outcome, and refresh the page's data. Cancelling is
// shared with the submission's own page: `cancelSubmissionAction` in app/submissions/actions.ts.

const managePath = (slug: string | undefined) => `/classes/${slug ?? ""}/manage`;

/**
 * The part every action here shares. On success the manage page (and `alsoRevalidate`) is
 * rendered again and the form gets `result`: a fresh timestamp under the key it watches tells it
 * the call went through, even when the same values are sent twice.
 */
async function perform(
  values: Record<string, string>,
  call: (viewer: Viewer) => Promise<unknown>,
  { result, alsoRevalidate = [] }: { result: () => Record<string, string>; alsoRevalidate?: string[] },
): Promise<FormState> {
  try {
    await call(await viewerFromSession());
  } catch (error) {
    return formStateFromError(error, values);
  }
  revalidatePath(managePath(values.classSlug));
  for (const path of alsoRevalidate) revalidatePath(path);
  return { values: result() };
}

const done = () => ({ done: String(Date.now()) });

/** `<input type="datetime-local">` gives "YYYY-MM-DDTHH:mm" with no zone; the form says UTC. */
function dateFromForm(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!trimmed) return null;
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(trimmed) ? `${trimmed}Z` : trimmed;
}

export async function updateSettingsAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, [
    "classSlug",
    "dailyQuota",
    "finalSelectionsMax",
    "deadline",
    "joinCodeExpiresAt",
  ]);
  values.showArchitectures = formData.get("showArchitectures") === "on" ? "on" : "";
  values.shareModels = formData.get("shareModels") === "on" ? "on" : "";
  const quota = values.dailyQuota?.trim();
  const finals = values.finalSelectionsMax?.trim();
  return perform(
    values,
    (viewer) =>
      updateClassSettings(viewer, {
        classSlug: values.classSlug,
        // An empty or non-numeric quota reaches the service as NaN and is rejected there, by field.
        dailyQuota: quota === undefined ? undefined : quota === "" ? Number.NaN : Number(quota),
        finalSelectionsMax: finals === undefined ? undefined : finals === "" ? Number.NaN : Number(finals),
        deadline: dateFromForm(values.deadline),
        joinCodeExpiresAt: dateFromForm(values.joinCodeExpiresAt),
        showArchitectures: values.showArchitectures === "on",
        shareModels: values.shareModels === "on",
      }),
    // The form shows what was saved (the inputs are uncontrolled and keep it).
    { result: () => ({ ...values, saved: String(Date.now()) }) },
  );
}

export async function revealAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "revealed"]);
  return perform(
    values,
    (viewer) =>
      revealPrivateLeaderboard(viewer, { classSlug: values.classSlug, revealed: values.revealed !== "false" }),
    // The class page's leaderboard gains or loses its private column.
    { result: done, alsoRevalidate: [`/classes/${values.classSlug}`] },
  );
}

export async function setRoleAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "userId", "role"]);
  return perform(values, (viewer) => setMemberRole(viewer, values), { result: () => ({ ...values, ...done() }) });
}

export async function removeMemberAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "userId"]);
  return perform(values, (viewer) => removeMember(viewer, values), { result: done });
}

export async function readmitMemberAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "userId"]);
  return perform(values, (viewer) => readmitMember(viewer, values), { result: done });
}

export async function rotateJoinCodeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug"]);
  // The class page shows graders the code too.
  return perform(values, (viewer) => rotateJoinCode(viewer, values), {
    result: done,
    alsoRevalidate: [`/classes/${values.classSlug}`],
  });
}

export async function retrainAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "submissionId"]);
  return perform(values, (viewer) => retrainSubmission(viewer, { submissionId: values.submissionId }), {
    result: done,
  });
}

export async function reevaluateAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "submissionId"]);
  return perform(values, (viewer) => reevaluateSubmission(viewer, { submissionId: values.submissionId }), {
    result: done,
  });
}
