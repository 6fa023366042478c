"use client";
import { useActionState } from "react";
import type { FormState } from "@/lib/server/action-state";
import { SubmitButton } from "./submit-button";
import { Field, FormError, cx } from "./ui";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

function JsonArea({
  label,
  name,
  defaultValue,
  error,
  rows,
  hint,
}: {
  label: string;
  name: string;
  defaultValue: string;
  error?: string;
  rows: number;
  hint: string;
}) {
  const id = `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
      <p id={`${id}-hint`} className="mt-0.5 text-xs text-slate-500">{hint}</p>
      <textarea
        id={id}
        name={name}
        rows={rows}
        spellCheck={false}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
        className={cx(
          "mt-1 block w-full rounded-md border-0 px-3 py-2 font-mono text-xs text-slate-900 shadow-sm ring-1 ring-inset focus:ring-2 focus:ring-inset",
          error ? "ring-rose-400 focus:ring-rose-500" : "ring-slate-300 focus:ring-brand-600",
        )}
      />
      {error && <p id={`${id}-error`} className="mt-1 text-sm text-rose-600">{error}</p>}
    </div>
  );
}

export function SubmitForm({
  action,
  classSlug,
  defaultArchitecture,
  defaultTraining,
}: {
  action: Action;
  classSlug: string;
  defaultArchitecture: string;
  defaultTraining: string;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-5" noValidate>
      <FormError message={state.error} />
      <input type="hidden" name="classSlug" value={classSlug} />
      <Field label="Submission name" name="name" required defaultValue={state.values?.name ?? ""} placeholder="e.g. Two conv layers, dropout 0.3" error={state.fieldErrors?.name} />
      <JsonArea
        label="Architecture (Keras model JSON)"
        name="architecture"
        rows={18}
        defaultValue={state.values?.architecture ?? defaultArchitecture}
        error={state.fieldErrors?.architecture}
        hint="Paste the output of model.to_json() from Keras 2, tf.keras or Keras 3. Input 28×28×1 or 784, output 10 classes."
      />
      <JsonArea
        label="Training configuration"
        name="training"
        rows={8}
        defaultValue={state.values?.training ?? defaultTraining}
        error={state.fieldErrors?.training}
        hint="Optimizer, learning rate, batch size, epochs and early stopping."
      />
      <SubmitButton pendingText="Submitting…">Submit for training</SubmitButton>
    </form>
  );
}
