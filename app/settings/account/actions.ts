"use server";
import { headers } from "next/headers";
import { signOut } from "@/lib/auth";
import { type FormState, formStateFromError } from "@/lib/server/action-state";
import { clientIp } from "@/lib/server/client-address";
import { viewerFromSession } from "@/lib/server/request-viewer";
import { changePassword } from "@/lib/server/services/password";
import { signOutEverywhere } from "@/lib/server/services/sessions";

// Thin transport for the account page: read the form, call one service, map the outcome.

export interface ChangePasswordState extends FormState {
  /** Set once the password is changed: how many other browsers were signed out. */
  changed?: { endedSessions: number };
}

export async function changePasswordAction(
  _prev: ChangePasswordState,
  formData: FormData,
): Promise<ChangePasswordState> {
  try {
    const { endedSessions } = await changePassword(
      await viewerFromSession(),
      { currentPassword: formData.get("currentPassword"), newPassword: formData.get("newPassword") },
      { ip: clientIp(await headers()) },
    );
    return { changed: { endedSessions } };
  } catch (error) {
    // Never echo passwords back into the form.
    return formStateFromError(error);
  }
}

export async function signOutEverywhereAction(): Promise<void> {
  const viewer = await viewerFromSession();
  // A session that already ended just lands on the sign-in page like the others.
  if (viewer.kind === "user") await signOutEverywhere(viewer);
  // Clears this browser's cookie too; every other browser is signed out on its next request.
  await signOut({ redirectTo: "/signin?signedOut=everywhere" });
}
