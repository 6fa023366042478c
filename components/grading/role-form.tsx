"use client";
import { useActionState } from "react";
import { Role } from "@/generated/prisma/enums";
import { SubmitButton } from "../submit-button";
import { type FormAction, sentenceCase } from "../ui";

export function RoleForm({
  action,
  classSlug,
  userId,
  name,
  role,
}: {
  action: FormAction;
  classSlug: string;
  userId: string;
  name: string;
  role: string;
}) {
  const [state, formAction] = useActionState(action, {});
  const selectId = `role-${userId}`;
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="classSlug" value={classSlug} />
      <input type="hidden" name="userId" value={userId} />
      <label htmlFor={selectId} className="sr-only">
        Role of {name}
      </label>
      <select
        id={selectId}
        name="role"
        // Re-mounts with the saved role after a change (the page re-renders with fresh data).
        key={role}
        defaultValue={role}
        aria-invalid={state.error ? true : undefined}
        aria-describedby={state.error ? `${selectId}-error` : undefined}
        className="rounded-md border-0 py-1 pl-2 pr-8 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
      >
        {Object.values(Role).map((r) => (
          <option key={r} value={r}>
            {sentenceCase(r)}
          </option>
        ))}
      </select>
      <SubmitButton
        variant="secondary"
        pendingText="Saving…"
        className="px-2.5 py-1 text-xs"
        aria-label={`Save role of ${name}`}
      >
        Save
      </SubmitButton>
      {state.error && (
        <p id={`${selectId}-error`} role="alert" className="w-full text-xs text-rose-700">
          {state.error}
        </p>
      )}
    </form>
  );
}
