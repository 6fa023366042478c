import "server-only";
import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { AppError, ERROR_CODES, type ErrorCode } from "@/lib/server/errors";

// Codes Apollo itself assigns to malformed requests; they describe the client's query, so
// they pass through. Anything else that is not an AppError is our bug: masked and logged.
const PASS_THROUGH = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: original.code, ...(original.issues.length ? { issues: original.issues } : {}) },
    };
  }
  const code = formatted.extensions?.code;
  // Our own codes raised outside resolvers (the context function) arrive as GraphQLErrors.
  if (typeof code === "string" && (PASS_THROUGH.has(code) || ERROR_CODES.includes(code as ErrorCode))) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  console.error("[graphql] internal error:", original);
  return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}
