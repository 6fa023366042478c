"use server";
import { revalidatePath } from "next/cache";
import { type FormState, formStateFromError, formValues } from "@/lib/server/action-state";
import { viewerFromSession } from "@/lib/server/request-viewer";
import { createApiToken, revokeApiToken } from "@/lib/server/services/tokens";

// Thin transport for the API-token page: read the form, call one service, map the outcome.

export interface CreateTokenState extends FormState {
  /** The new secret, handed to the page exactly once and never stored in plain text. */
  created?: { name: string; token: string };
}

export async function createTokenAction(_prev: CreateTokenState, formData: FormData): Promise<CreateTokenState> {
  const values = formValues(formData, ["name", "classSlug", "access"]);
  try {
    const created = await createApiToken(await viewerFromSession(), {
      name: values.name,
      scopes: values.access === "write" ? ["READ", "WRITE"] : ["READ"],
      classSlug: values.classSlug || null,
    });
    revalidatePath("/settings/tokens");
    return { created: { name: created.name, token: created.token } };
  } catch (error) {
    return formStateFromError(error, values);
  }
}

export async function revokeTokenAction(formData: FormData): Promise<void> {
  const tokenId = formData.get("tokenId");
  try {
    await revokeApiToken(await viewerFromSession(), { tokenId });
  } catch (error) {
    // The list re-renders either way; a token that is gone or not yours simply stays as listed.
    console.error("[tokens] revoke failed:", error instanceof Error ? error.message : error);
  }
  revalidatePath("/settings/tokens");
}
