import "server-only";
import SchemaBuilder from "@pothos/core";
import type { Visibility } from "@/lib/server/access";
import type { Viewer } from "@/lib/server/viewer";

export interface GraphQLContext {
  viewer: Viewer;
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

builder.scalarType("JSON", {
  description: "Any JSON value.",
  serialize: (value) => value,
  parseValue: (value) => value,
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
