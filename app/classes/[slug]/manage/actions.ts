"use server";
import { revalidatePath } from "next/cache";
import { type FormState, formStateFromError, formValues } from "@/lib/server/action-state";
import { viewerFromSession } from "@/lib/server/request-viewer";
import { rescoreSubmission } from "@/lib/server/services/grading/rescore-submission";
import { removeMember, setMemberRole } from "@/lib/server/services/grading/roles";
import { revealPrivateLeaderboard, updateClassSettings } from "@/lib/server/services/grading/settings";

// The grader page's server actions: read the form, call one service with the session's viewer
// (which checks access itself), map the outcome, and refresh the page's data. Cancelling is
// shared with the submission's own page: `cancelSubmissionAction` in app/submissions/actions.ts.

const managePath = (slug: string | undefined) => `/classes/${slug ?? ""}/manage`;

/** `<input type="datetime-local">` gives "YYYY-MM-DDTHH:mm" with no zone; the form says UTC. */
function deadlineFromForm(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!trimmed) return null;
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(trimmed) ? `${trimmed}Z` : trimmed;
}

export async function updateSettingsAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "dailyQuota", "deadline"]);
  values.showArchitectures = formData.get("showArchitectures") === "on" ? "on" : "";
  try {
    const quota = values.dailyQuota?.trim();
    await updateClassSettings(await viewerFromSession(), {
      classSlug: values.classSlug,
      // An empty or non-numeric quota reaches the service as NaN and is rejected there, by field.
      dailyQuota: quota === undefined ? undefined : quota === "" ? Number.NaN : Number(quota),
      deadline: deadlineFromForm(values.deadline),
      showArchitectures: values.showArchitectures === "on",
    });
  } catch (error) {
    return formStateFromError(error, values);
  }
  revalidatePath(managePath(values.classSlug));
  return { values: { ...values, saved: String(Date.now()) } };
}

export async function revealAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "revealed"]);
  try {
    await revealPrivateLeaderboard(await viewerFromSession(), {
      classSlug: values.classSlug,
      revealed: values.revealed !== "false",
    });
  } catch (error) {
    return formStateFromError(error, values);
  }
  revalidatePath(managePath(values.classSlug));
  revalidatePath(`/classes/${values.classSlug}`);
  return { values: { done: String(Date.now()) } };
}

export async function setRoleAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "userId", "role"]);
  try {
    await setMemberRole(await viewerFromSession(), values);
  } catch (error) {
    return formStateFromError(error, values);
  }
  revalidatePath(managePath(values.classSlug));
  return { values: { ...values, done: String(Date.now()) } };
}

export async function removeMemberAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "userId"]);
  try {
    await removeMember(await viewerFromSession(), values);
  } catch (error) {
    return formStateFromError(error, values);
  }
  revalidatePath(managePath(values.classSlug));
  return { values: { done: String(Date.now()) } };
}

export async function rescoreAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "submissionId"]);
  try {
    await rescoreSubmission(await viewerFromSession(), { submissionId: values.submissionId });
  } catch (error) {
    return formStateFromError(error, values);
  }
  revalidatePath(managePath(values.classSlug));
  return { values: { done: String(Date.now()) } };
}
