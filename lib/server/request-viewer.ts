import "server-only";
import { auth } from "@/lib/auth";
import { unauthenticated } from "./errors";
import { viewerFromToken } from "./services/tokens";
import { anonymous, type Viewer } from "./viewer";

/** The viewer behind the current session cookie (pages and server actions). */
export async function viewerFromSession(): Promise<Viewer> {
  const session = await auth();
  const userId = session?.user?.id;
  return userId ? { kind: "user", via: "session", userId } : anonymous;
}

/**
 * The viewer behind an API request: a Bearer token when the request carries one (and then
 * only that token: a bad token is an error, never a silent fall-back to the cookie), else the
 * session cookie.
 */
export async function viewerFromRequest(request: Request): Promise<Viewer> {
  const header = request.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const viewer = match ? await viewerFromToken(match[1]!) : null;
    if (!viewer) throw unauthenticated("The API token is invalid or revoked.");
    return viewer;
  }
  return viewerFromSession();
}
