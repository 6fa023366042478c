import "server-only";
import { forbidden, notFound, redirect } from "next/navigation";
import { UNAVAILABLE_DIGEST } from "@/lib/page-errors";
import { AppError } from "./errors";
import { sessionUser, viewerFromSession } from "./request-viewer";
import type { SessionUser } from "./services/sessions";
import { isDatabaseUnavailable } from "./unavailable";
import type { SignedInViewer } from "./viewer";

// Pages' side of the error mapping: a page asks for its data through here, and our error
// codes become Next's 404 / 403 / sign-in redirect instead of an error page. A database outage
// becomes an error that app/error.tsx recognises by its digest: Next 16 has no 503 for pages
// (its HTTP fallbacks are 401, 403 and 404), so the response is a 500 whose page says the
// database is restarting and retries by itself; route handlers and GraphQL answer 503.

/** Thrown by loadForPage for a database outage; carries a digest Next passes to the error page. */
class PageUnavailableError extends Error {
  readonly digest = UNAVAILABLE_DIGEST;
  constructor(cause: unknown) {
    super("The database is unavailable.", { cause });
    this.name = "PageUnavailableError";
  }
}

/** A database outage while resolving who is asking becomes the outage page too. */
async function outageAsPageError<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw new PageUnavailableError(error);
    throw error;
  }
}

/**
 * Who is signed in, for the root layout's header. During a database outage: nobody, so the layout
 * still renders and the page inside it shows the outage page (an error thrown in the root layout
 * would skip app/error.tsx).
 */
export async function layoutUser(): Promise<SessionUser | null> {
  try {
    return await sessionUser();
  } catch (error) {
    if (isDatabaseUnavailable(error)) return null;
    throw error;
  }
}

export async function requirePageViewer(currentPath: string): Promise<SignedInViewer> {
  const viewer = await outageAsPageError(viewerFromSession);
  if (viewer.kind === "anonymous") redirect(`/signin?next=${encodeURIComponent(currentPath)}`);
  return viewer;
}

export async function loadForPage<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof AppError) {
      if (error.code === "NOT_FOUND") notFound();
      if (error.code === "FORBIDDEN") forbidden();
      if (error.code === "UNAUTHENTICATED") redirect("/signin");
    }
    if (isDatabaseUnavailable(error)) throw new PageUnavailableError(error);
    throw error;
  }
}
