"use client";
import Link from "next/link";
import { useActionState } from "react";
import type { FormState } from "@/lib/server/action-state";
import { SubmitButton } from "./submit-button";
import { Field, FormError } from "./ui";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

export function SignInForm({ action, next }: { action: Action; next?: string }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormError message={state.error} />
      <input type="hidden" name="next" value={next ?? "/classes"} />
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={state.values?.email} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <SubmitButton pendingText="Signing in…" className="w-full">
        Sign in
      </SubmitButton>
      <p className="text-center text-sm text-slate-600">
        New here?{" "}
        <Link href="/signup" className="font-semibold text-brand-600 hover:text-brand-700">
          Create an account
        </Link>
      </p>
    </form>
  );
}

export function SignUpForm({ action, next }: { action: Action; next?: string }) {
  const [state, formAction] = useActionState(action, {});
  // Field errors stand beside their fields; the summary is for errors that belong to none.
  const hasFieldError = Object.keys(state.fieldErrors ?? {}).length > 0;
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormError message={hasFieldError ? undefined : state.error} />
      <input type="hidden" name="next" value={next ?? "/classes"} />
      <Field
        label="Name"
        name="name"
        autoComplete="name"
        required
        defaultValue={state.values?.name}
        error={state.fieldErrors?.name}
      />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters, and not a common password."
        error={state.fieldErrors?.password}
      />
      <SubmitButton pendingText="Creating account…" className="w-full">
        Create account
      </SubmitButton>
      <p className="text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link href="/signin" className="font-semibold text-brand-600 hover:text-brand-700">
          Sign in
        </Link>
      </p>
    </form>
  );
}
