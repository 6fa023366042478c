"use client";
import { useActionState } from "react";
import { SubmitButton } from "@/components/submit-button";
import { Field, FormError } from "@/components/ui";
import type { ChangePasswordState } from "./actions";

type Action = (prev: ChangePasswordState, formData: FormData) => Promise<ChangePasswordState>;

export function ChangePasswordForm({ action }: { action: Action }) {
  const [state, formAction] = useActionState(action, {});
  const fieldErrors = state.fieldErrors ?? {};
  const hasFieldError = Object.keys(fieldErrors).length > 0;
  return (
    // A successful change resets the form (new key), so the passwords don't linger in the fields.
    <form
      key={state.changed ? "changed" : "editing"}
      action={formAction}
      className="space-y-4"
      aria-label="Change password"
      noValidate
    >
      {state.changed ? (
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200"
        >
          Password changed.{" "}
          {state.changed.endedSessions === 0
            ? "You were not signed in anywhere else."
            : `Signed out of ${state.changed.endedSessions} other ${state.changed.endedSessions === 1 ? "browser" : "browsers"}.`}
        </p>
      ) : null}
      <FormError message={hasFieldError ? undefined : state.error} />
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        error={fieldErrors.currentPassword}
      />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters, and not a common password."
        error={fieldErrors.newPassword}
      />
      <SubmitButton pendingText="Changing…">Change password</SubmitButton>
    </form>
  );
}
