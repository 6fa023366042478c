import "server-only";
import { dictionary } from "@zxcvbn-ts/language-common";
import { z } from "zod";
import type { FieldIssue } from "./errors";

// What a new password must not be (NIST SP 800-63B §3.1.1.2: no composition rules, but refuse
// known-compromised, repetitive and sequential values and context-specific words):
//
// - one of the 10,000 most common passwords: the head of zxcvbn-ts's `passwords-common` list
//   (@zxcvbn-ts/language-common, MIT), which ranks Mark Burnett's ten million leaked passwords by
//   frequency, lower-cased. Its builders dropped the entries zxcvbn's pattern matchers already
//   score as weak (repeats like "aaaaaaaa", runs like "abcdefgh"), so those are refused by rule;
// - the user's own email address or its local part, alone or with digits and symbols after it.
//
// Length is checked by the schema (8 to 200 characters): long passphrases are welcome.

/** A new password's length; its content is checked by `passwordIssues`, which needs the email. */
export const newPasswordSchema = z
  .string()
  .min(8, "Use at least 8 characters.")
  .max(200, "Keep the password under 200 characters.");

export const COMMON_PASSWORD_COUNT = 10_000;

let common: Set<string> | undefined;

/** The 10,000 most common passwords, lower-cased; built on first use (a few milliseconds). */
export function commonPasswords(): Set<string> {
  common ??= new Set(dictionary["passwords-common"].slice(0, COMMON_PASSWORD_COUNT));
  return common;
}

/** A short unit repeated ("aaaaaaaa", "abab1abab1", "123123123"). */
function isRepetitive(password: string): boolean {
  return /^(.{1,4})\1+$/su.test(password);
}

/** A straight run of characters up or down ("abcdefgh", "87654321"). */
function isSequential(password: string): boolean {
  const codes = Array.from(password, (c) => c.codePointAt(0)!);
  const step = codes[1]! - codes[0]!;
  if (Math.abs(step) !== 1) return false;
  return codes.every((code, i) => i === 0 || code - codes[i - 1]! === step);
}

/** Why `password` is too easy to guess for the account `email`, or null when it is fine. */
export function weakPasswordReason(password: string, email: string | null): string | null {
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) {
    return "This is one of the 10,000 most common passwords; choose something less guessable.";
  }
  if (isRepetitive(lower) || isSequential(lower)) {
    return "Avoid repeated or consecutive characters; choose something less guessable.";
  }
  if (email) {
    const address = email.trim().toLowerCase();
    const local = address.split("@")[0] ?? "";
    // "jane.doe", "jane.doe2024!" and, for "jane.doe7@…", "jane.doe" too.
    const stem = (value: string) => value.replace(/[^\p{L}]+$/u, "");
    const localStem = stem(local);
    if (lower === address || lower === local || (localStem.length >= 3 && stem(lower) === localStem)) {
      return "Don't use your email address as your password.";
    }
  }
  return null;
}

/** The field issue for a weak password, or none, for a schema's `superRefine` or a service. */
export function passwordIssues(password: string, email: string | null, path = "password"): FieldIssue[] {
  const reason = weakPasswordReason(password, email);
  return reason ? [{ path, message: reason }] : [];
}
