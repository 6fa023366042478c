import "server-only";
import { z } from "zod";
import { badInput } from "./errors";

/**
 * Keys that reach a prototype or constructor when parsed JSON is merged into an object
 * (`Object.assign`, deep merges): refused wherever we take JSON from a user.
 */
export const FORBIDDEN_JSON_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export const NUL_MESSAGE = "Must not contain a NUL character (\\u0000).";
export const FORBIDDEN_KEY_MESSAGE = 'Keys named "__proto__", "constructor" or "prototype" are not allowed.';

export interface UnsafeSpot {
  /** Where, from the value's root: object keys and array indices. */
  path: (string | number)[];
  problem: "nul" | "forbidden-key";
}

/**
 * The first NUL character (in a string or an object key) or, with `keys`, the first forbidden
 * key in a JSON-like value. PostgreSQL refuses NUL in text and jsonb, so without this check such
 * input fails as an internal error at the database instead of as the user's mistake.
 * Walks with its own stack: parsed JSON may be nested deeper than the call stack allows. Only
 * plain objects and arrays are entered (not Dates, Buffers, class instances).
 */
export function findUnsafe(value: unknown, options: { nul: boolean; keys: boolean }): UnsafeSpot | null {
  // Each entry links to its parent, so a path is built only for the spot reported (copying it at
  // every level would be quadratic in the nesting depth).
  interface Entry {
    value: unknown;
    key: string | number | null;
    parent: Entry | null;
  }
  const pathOf = (entry: Entry | null, last?: string): (string | number)[] => {
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let e = entry; e && e.key !== null; e = e.parent) path.unshift(e.key);
    return path;
  };
  const stack: Entry[] = [{ value, key: null, parent: null }];
  while (stack.length) {
    const entry = stack.pop()!;
    const v = entry.value;
    if (typeof v === "string") {
      if (options.nul && v.includes("\0")) return { path: pathOf(entry), problem: "nul" };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: entry });
    } else if (v !== null && typeof v === "object" && isPlainObject(v)) {
      const keys = Object.keys(v);
      for (const key of keys) {
        if (options.keys && FORBIDDEN_JSON_KEYS.has(key)) return { path: pathOf(entry, key), problem: "forbidden-key" };
        if (options.nul && key.includes("\0")) return { path: pathOf(entry, key), problem: "nul" };
      }
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (v as Record<string, unknown>)[keys[i]!], key: keys[i]!, parent: entry });
      }
    }
  }
  return null;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Parses untrusted input with a zod schema; failures become one BAD_USER_INPUT naming each field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  // Before the schema, so every service refuses NUL the same way, whatever its fields' rules.
  const nul = findUnsafe(value, { nul: true, keys: false });
  if (nul) {
    const path = nul.path.map(String).join(".");
    throw badInput(path ? `${path}: ${NUL_MESSAGE}` : NUL_MESSAGE, [{ path, message: NUL_MESSAGE }]);
  }
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
