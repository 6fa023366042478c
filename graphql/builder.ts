import "server-only";
import SchemaBuilder from "@pothos/core";
import { valueFromASTUntyped } from "graphql";
import type { Visibility } from "@/lib/server/access";
import { badInput } from "@/lib/server/errors";
import { FORBIDDEN_KEY_MESSAGE, findUnsafe } from "@/lib/server/input";
import type { Viewer } from "@/lib/server/viewer";

export interface GraphQLContext {
  viewer: Viewer;
  /** The POST body exactly as sent: what the response cache's fast path knows a request by. */
  bodyText?: string;
  /**
   * The leaderboards this request's resolvers read, with the access each was read under; the
   * response cache (response-cache.ts) stores an answer only under exactly these.
   */
  boardsRead?: BoardRead[];
}

export interface BoardRead {
  classId: string;
  boardVersion: number;
  can: Visibility;
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
    DateTime: { Input: Date; Output: Date };
  };
}>({ defaultFieldNullability: false });

/**
 * JSON arguments arrive as objects built from user input; a `__proto__` key in one would become
 * a prototype wherever a service merged it into another object. Refused here, naming the key's
 * path. (NUL characters are refused for every argument in request-checks.ts.)
 */
function checkedJson(value: unknown): unknown {
  const spot = findUnsafe(value, { nul: false, keys: true });
  if (spot) {
    const path = spot.path.map(String).join(".");
    const parent = spot.path.slice(0, -1).map(String).join(".");
    throw badInput(`JSON key "${spot.path.at(-1)}"${parent ? ` at ${parent}` : ""}: ${FORBIDDEN_KEY_MESSAGE}`, [
      { path, message: FORBIDDEN_KEY_MESSAGE },
    ]);
  }
  return value;
}

builder.scalarType("JSON", {
  description: "Any JSON value.",
  serialize: (value) => value,
  parseValue: checkedJson,
  parseLiteral: (node, variables) => checkedJson(valueFromASTUntyped(node, variables)),
});

builder.scalarType("DateTime", {
  description: "An ISO-8601 timestamp in UTC.",
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === "string" ? new Date(value) : new Date(NaN);
    if (Number.isNaN(date.getTime())) throw new TypeError("DateTime must be an ISO-8601 string.");
    return date;
  },
});
