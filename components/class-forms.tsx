"use client";
import { useActionState } from "react";
import type { FormState } from "@/lib/server/action-state";
import { SubmitButton } from "./submit-button";
import { Field, FormError } from "./ui";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

export function CreateClassForm({ action }: { action: Action }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-3" aria-label="Create a class" noValidate>
      <FormError message={state.fieldErrors?.name ? undefined : state.error} />
      <Field
        label="Class name"
        name="name"
        placeholder="e.g. CSE 574 — Fall 2026"
        required
        defaultValue={state.values?.name}
        error={state.fieldErrors?.name}
      />
      <SubmitButton pendingText="Creating…">Create class</SubmitButton>
    </form>
  );
}

export function JoinClassForm({ action }: { action: Action }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-3" aria-label="Join a class" noValidate>
      <FormError message={state.fieldErrors?.code ? undefined : state.error} />
      <Field
        label="Join code"
        name="code"
        placeholder="8 letters and digits"
        autoComplete="off"
        autoCapitalize="characters"
        required
        className="[&_input]:font-mono [&_input]:uppercase"
        defaultValue={state.values?.code}
        error={state.fieldErrors?.code}
      />
      <SubmitButton pendingText="Joining…" variant="secondary">
        Join class
      </SubmitButton>
    </form>
  );
}
