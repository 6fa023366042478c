import "server-only";
import { asAppError } from "./unavailable";

// What a server action hands back to its form: the one place AppErrors become form messages.
export interface FormState {
  error?: string;
  fieldErrors?: Record<string, string>;
  /** Echo of what was typed (never passwords), so a failed submit loses nothing. */
  values?: Record<string, string>;
}

export function formStateFromError(caught: unknown, values: Record<string, string> = {}): FormState {
  // A database outage arrives as UNAVAILABLE ("try again in a few seconds"), what was typed kept.
  const error = asAppError(caught);
  if (error) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of error.issues) {
      const field = issue.path.split(".")[0];
      if (field && !fieldErrors[field]) fieldErrors[field] = issue.message;
    }
    return { error: error.message, fieldErrors, values };
  }
  // Anything else is ours to fix: log it here, show nothing internal.
  console.error("[action] internal error:", caught);
  return { error: "Something went wrong on our side. Please try again.", values };
}

export function formValues(formData: FormData, keys: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of keys) {
    const value = formData.get(key);
    if (typeof value === "string") values[key] = value;
  }
  return values;
}
