import "server-only";
// One error type for everything a user can be told, with a closed set of codes.
// Transports (GraphQL, server actions, route handlers) map it in one place each;
// anything that is not an AppError is an internal error and its details stay on the server.

export const ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "BAD_USER_INPUT",
  "RATE_LIMITED",
  "UNAVAILABLE",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  /** Dotted path of the offending input, e.g. "email" or "architecture.layers.2.filters". */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];

  constructor(code: ErrorCode, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.issues = issues;
  }
}

export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

/**
 * What a 503 tells clients to wait before trying again (the Retry-After header): a PostgreSQL
 * restart takes a few seconds, and a client that waits this long usually finds it back.
 */
export const RETRY_AFTER_SECONDS = 5;

export const unauthenticated = (message = "Sign in first.") => new AppError("UNAUTHENTICATED", message);
export const forbidden = (message = "You do not have access to this.") => new AppError("FORBIDDEN", message);
export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} was not found.`);
export const badInput = (message: string, issues: FieldIssue[] = []) => new AppError("BAD_USER_INPUT", message, issues);
export const rateLimited = (message: string) => new AppError("RATE_LIMITED", message);
/** Something we depend on (the database) is briefly out of reach; nothing the client did. */
export const unavailable = (
  message = `The service is briefly unavailable (its database is not answering). Try again in ${RETRY_AFTER_SECONDS} seconds.`,
) => new AppError("UNAVAILABLE", message);
