import "server-only";
import type { z } from "zod";
import { badInput } from "./errors";

/** Parses untrusted input with a zod schema; failures become one BAD_USER_INPUT naming each field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  throw badInput(summary, issues);
}
