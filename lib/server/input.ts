import "server-only";
import { z } from "zod";
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

/** A class's slug as services take it (the URL's or an API argument). */
export const classSlugSchema = z.string().trim().min(1, "Give the class's slug.").max(64);

/** A row id (cuid) as services take it. */
export const idSchema = z.string().trim().min(1).max(64);
