import "server-only";
import { forbidden, notFound, redirect } from "next/navigation";
import { AppError } from "./errors";
import { viewerFromSession } from "./request-viewer";
import type { SignedInViewer } from "./viewer";

// Pages' side of the error mapping: a page asks for its data through here, and our error
// codes become Next's 404 / 403 / sign-in redirect instead of an error page.

export async function requirePageViewer(currentPath: string): Promise<SignedInViewer> {
  const viewer = await viewerFromSession();
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
    throw error;
  }
}
