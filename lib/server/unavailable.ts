import "server-only";
import { AppError, unavailable } from "./errors";

// Whether an error means "the database is out of reach right now" (stopped, restarting, the
// network in between down) rather than a bug or a bad request. Transports turn those into
// UNAVAILABLE (503 with Retry-After) instead of a 500, and the worker retries its writes on them
// (worker/retry.ts). The same outage reaches us in several wrappings: Prisma's known request
// errors around adapter-pg's driver error, node-postgres' own errors (pg-boss and the worker's
// LISTEN connection use it directly), and socket errors underneath both.

/** Prisma: can't reach the server, timed out reaching it, server closed the connection, pool timeout. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017", "P2024"]);
/** adapter-pg's classification of a driver error (meta.driverAdapterError.cause.kind). */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/**
 * SQLSTATEs: class 08 (connection exception), 57P01–57P03 (admin shutdown, crash shutdown, cannot
 * connect now: starting up or shutting down) and 53300 (too many connections).
 */
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);
/** node-postgres' messages for a connection that died under it (they carry no code). */
const PG_MESSAGES =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect|Can't reach database server|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command/i;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown; originalCode?: unknown } } };
  originalError?: unknown;
  errors?: unknown;
}

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 5) return false;
  if (error instanceof AppError) return error.code === "UNAVAILABLE";
  const e = error as ErrorLike;
  const code = typeof e.code === "string" ? e.code : "";
  if (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATE.test(code)) return true;
  const adapter = e.meta?.driverAdapterError?.cause;
  if (adapter) {
    if (typeof adapter.kind === "string" && ADAPTER_KINDS.has(adapter.kind)) return true;
    for (const c of [adapter.code, adapter.originalCode]) if (typeof c === "string" && SQLSTATE.test(c)) return true;
  }
  if (typeof e.message === "string" && PG_MESSAGES.test(e.message)) return true;
  // Wrappers: Error.cause, GraphQL's originalError, AggregateError (a connect to several addresses).
  const inner = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((cause) => isDatabaseUnavailable(cause, depth + 1));
}

/**
 * The AppError a transport should report for `error`: the error itself, UNAVAILABLE for a
 * database outage, or undefined for anything else (a bug: the transport logs it and says 500).
 */
export function asAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) return unavailable();
  return undefined;
}
