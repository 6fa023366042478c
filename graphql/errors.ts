import "server-only";
import type { ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { ERROR_CODES, type ErrorCode, HTTP_STATUS, RETRY_AFTER_SECONDS } from "@/lib/server/errors";
import { asAppError, isDatabaseUnavailable } from "@/lib/server/unavailable";

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
  const original = asAppError(unwrapResolverError(error));
  if (original) {
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
  console.error("[graphql] internal error:", unwrapResolverError(error));
  return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}

/**
 * A database outage is the server's state, not the query's: the whole answer becomes a 503 with
 * Retry-After (its errors say UNAVAILABLE), so clients and proxies retry it like any other 503
 * instead of reading a 200 with an `errors` array as a verdict on their query.
 */
export function unavailableStatus<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, errors }) {
          if (!errors?.some((e) => isDatabaseUnavailable(unwrapResolverError(e)))) return;
          response.http.status = HTTP_STATUS.UNAVAILABLE;
          response.http.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}
