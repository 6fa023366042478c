"use server";
import { redirect } from "next/navigation";
import { type FormState, formStateFromError, formValues } from "@/lib/server/action-state";
import { viewerFromSession } from "@/lib/server/request-viewer";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";

// Thin transport: read the form, call one service with the session's viewer, map the outcome.

export async function createClassAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["name"]);
  let slug: string;
  try {
    slug = (await createClass(await viewerFromSession(), values)).slug;
  } catch (error) {
    return formStateFromError(error, values);
  }
  redirect(`/classes/${slug}`);
}

export async function joinClassAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["code"]);
  let slug: string;
  try {
    slug = (await joinClass(await viewerFromSession(), values.code)).slug;
  } catch (error) {
    return formStateFromError(error, values);
  }
  redirect(`/classes/${slug}`);
}

export async function submitAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["classSlug", "name", "architecture", "training"]);
  let id: string;
  try {
    const submission = await createSubmission(await viewerFromSession(), {
      classSlug: values.classSlug,
      name: values.name,
      architecture: values.architecture,
      training: values.training?.trim() ? values.training : undefined,
    });
    id = submission.id;
  } catch (error) {
    return formStateFromError(error, values);
  }
  redirect(`/submissions/${id}`);
}
