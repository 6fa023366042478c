"use client";
import { useActionState, useEffect, useId, useRef } from "react";
import { SubmitButton } from "../submit-button";
import { Button, cx, type FormAction } from "../ui";

/**
 * A button that asks first: it opens a modal `<dialog>` (focus moves into it, Escape closes it,
 * focus returns to the button) whose confirm button posts a form to a server action.
 */
export function ConfirmAction({
  action,
  fields,
  label,
  accessibleLabel,
  title,
  message,
  confirmLabel,
  pendingText,
  variant = "secondary",
  size = "md",
}: {
  action: FormAction;
  fields: Record<string, string>;
  label: string;
  /** A fuller name for screen readers when `label` is short ("Cancel" in a table row). */
  accessibleLabel?: string;
  title: string;
  message: string;
  confirmLabel: string;
  pendingText: string;
  variant?: "primary" | "secondary" | "danger";
  size?: "sm" | "md";
}) {
  const [state, formAction] = useActionState(action, {});
  const dialog = useRef<HTMLDialogElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const messageId = useId();

  // Any answer from the server closes the dialog; an error is then shown next to the button.
  useEffect(() => {
    if (state.error || state.values?.done) dialog.current?.close();
  }, [state]);

  return (
    <div className="inline-flex flex-col items-start gap-1">
      <Button
        ref={trigger}
        type="button"
        variant={variant}
        aria-label={accessibleLabel}
        aria-haspopup="dialog"
        className={cx(size === "sm" && "px-2.5 py-1 text-xs")}
        onClick={() => dialog.current?.showModal()}
      >
        {label}
      </Button>
      {state.error && (
        <p role="alert" className="max-w-xs text-xs text-rose-700">
          {state.error}
        </p>
      )}
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        aria-describedby={messageId}
        onClose={() => trigger.current?.focus()}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl bg-white p-5 text-left shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40"
      >
        <h2 id={titleId} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        <p id={messageId} className="mt-2 text-sm text-slate-600">
          {message}
        </p>
        <form action={formAction} className="mt-5 flex flex-wrap justify-end gap-2">
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <Button type="button" variant="secondary" autoFocus onClick={() => dialog.current?.close()}>
            Keep as is
          </Button>
          <SubmitButton variant={variant === "secondary" ? "primary" : variant} pendingText={pendingText}>
            {confirmLabel}
          </SubmitButton>
        </form>
      </dialog>
    </div>
  );
}
