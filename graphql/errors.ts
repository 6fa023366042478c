import "server-only";
import type { ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { AppError, ERROR_CODES, type ErrorCode, HTTP_STATUS, RETRY_AFTER_SECONDS } from "@/lib/server/errors";
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

/**
 * The AppError behind an error, if any. Resolvers' errors are wrapped once by graphql; a scalar's
 * twice (variable coercion wraps the scalar's error, Apollo wraps that); so the chain is followed.
 */
function appErrorBehind(error: unknown): AppError | undefined {
  let current: unknown = error;
  for (let hops = 0; hops < 4 && current; hops++) {
    if (current instanceof AppError) return current;
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return undefined;
}

/** An AppError raised outside a resolver (a plugin hook), with the HTTP status its code maps to. */
export function requestError(error: AppError): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, http: { status: HTTP_STATUS[error.code] } },
  });
}

// graphql's parser reports its token limit (graphql/limits.ts) as a syntax error: say what it is.
const TOKEN_LIMIT = /^Syntax Error: Document contains more th(?:an|at) (\d+) tokens\. Parsing aborted\.$/;

function clarify(message: string): string {
  const tokens = TOKEN_LIMIT.exec(message);
  return tokens
    ? `Query is too large: at most ${tokens[1]} tokens (names, punctuation and values) are allowed. Split it into several requests.`
    : message;
}

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  // An AppError anywhere in the chain is the client's (or, for an outage, the database's) error.
  const original = appErrorBehind(error) ?? asAppError(unwrapResolverError(error));
  if (original) {
    return {
      // A resolver's message is the AppError's own; a scalar's is prefixed by graphql with the
      // variable or value it was found in, which says where the problem is.
      message: formatted.message.endsWith(original.message) ? formatted.message : original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: original.code, ...(original.issues.length ? { issues: original.issues } : {}) },
    };
  }
  const code = formatted.extensions?.code;
  // Our own codes raised outside resolvers (the context function) arrive as GraphQLErrors.
  if (typeof code === "string" && (PASS_THROUGH.has(code) || ERROR_CODES.includes(code as ErrorCode))) {
    const message = clarify(formatted.message);
    return { message, locations: formatted.locations, path: formatted.path, extensions: { code } };
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
