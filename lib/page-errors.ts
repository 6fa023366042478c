// Shared by the server's page error mapping (lib/server/page.ts) and the error page (app/error.tsx),
// which is a client component: browser-safe, constants only.

/**
 * The digest of the error a page throws when the database is out of reach. Next keeps a digest the
 * thrower set (it hashes only errors without one), and in production the digest is all an error
 * page learns about a server error, so this is how the page tells an outage from a bug.
 */
export const UNAVAILABLE_DIGEST = "CATWALK_UNAVAILABLE";

/** Seconds the error page waits before it retries by itself (the API's Retry-After is the same). */
export const PAGE_RETRY_SECONDS = 5;
