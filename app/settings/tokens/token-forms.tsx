"use client";
import { useActionState, useState } from "react";
import { SubmitButton } from "@/components/submit-button";
import { Field, FormError } from "@/components/ui";
import type { CreateTokenState } from "./actions";

type Action = (prev: CreateTokenState, formData: FormData) => Promise<CreateTokenState>;

export function CreateTokenForm({
  action,
  classes,
}: {
  action: Action;
  classes: Array<{ slug: string; name: string }>;
}) {
  const [state, formAction] = useActionState(action, {});
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-4">
      {state.created ? (
        <div role="status" className="rounded-lg bg-emerald-50 p-3 text-sm ring-1 ring-emerald-200">
          <p className="font-medium text-emerald-900">
            Token “{state.created.name}” created. Copy it now: it is shown only once.
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code
              data-testid="new-token"
              className="break-all rounded bg-white px-2 py-1 font-mono text-xs ring-1 ring-emerald-200"
            >
              {state.created.token}
            </code>
            <button
              type="button"
              className="rounded-md px-2 py-1 text-xs font-medium text-emerald-800 ring-1 ring-emerald-300 hover:bg-emerald-100"
              onClick={() => navigator.clipboard?.writeText(state.created!.token).then(() => setCopied(true))}
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
        </div>
      ) : null}
      <form action={formAction} className="space-y-3" aria-label="Create an API token" noValidate>
        <FormError message={state.fieldErrors?.name ? undefined : state.error} />
        <Field
          label="Name"
          name="name"
          placeholder="e.g. grading script"
          required
          defaultValue={state.values?.name}
          error={state.fieldErrors?.name}
        />
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Classes</span>
          <select
            name="classSlug"
            defaultValue={state.values?.classSlug ?? ""}
            className="mt-1 block w-full rounded-md border-slate-300 text-sm"
          >
            <option value="">All my classes</option>
            {classes.map((c) => (
              <option key={c.slug} value={c.slug}>
                Only {c.name}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="text-sm">
          <legend className="font-medium text-slate-700">Access</legend>
          <label className="mt-1 flex items-center gap-2">
            <input type="radio" name="access" value="read" defaultChecked={state.values?.access !== "write"} /> Read
            only
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="access" value="write" defaultChecked={state.values?.access === "write"} /> Read
            and write (submit, cancel, grade)
          </label>
        </fieldset>
        <SubmitButton pendingText="Creating…">Create token</SubmitButton>
      </form>
    </div>
  );
}
