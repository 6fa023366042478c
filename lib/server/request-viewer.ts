import "server-only";
import { LRUCache } from "lru-cache";
import { cache } from "react";
import { auth } from "@/lib/auth";
import { unauthenticated } from "./errors";
import { resolveSession, type SessionUser } from "./services/sessions";
import { viewerFromToken } from "./services/tokens";
import { anonymous, type Viewer } from "./viewer";

/**
 * The signed-in user behind this request's session cookie, or null when there is none or its
 * session has ended (signed out, ended elsewhere, password changed). One query, and once per
 * request: React's `cache` shares it between the layout and the page of one render.
 */
export const sessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  return resolveSession({ userId: session?.user?.id, sessionId: session?.sessionId });
});

/**
 * What Auth.js made of a request's cookies (its `auth()`: the JWT decrypted and checked), by the
 * exact Cookie header, for at most five minutes. An API client — the class page polling its board
 * — sends the same cookie every time, and decrypting it (key derivation and AES through WebCrypto)
 * was the largest single cost of a poll (bench/README.md). The claims of one cookie never change;
 * whether its session still stands is resolveSession's question, asked on every request. Only
 * API requests use this: pages call `auth()` itself, which also rolls the cookie's expiry.
 */
const claimsByCookie = new LRUCache<string, { userId: string; sessionId: string }>({ max: 5_000, ttl: 5 * 60_000 });

async function apiSessionViewer(request: Request): Promise<Viewer> {
  const cookie = request.headers.get("cookie");
  // No cookie, no session: Auth.js would say the same.
  if (!cookie) return anonymous;
  let claims = claimsByCookie.get(cookie);
  if (!claims) {
    const session = await auth();
    const userId = session?.user?.id;
    const sessionId = session?.sessionId;
    if (!userId || !sessionId) return anonymous;
    claims = { userId, sessionId };
    claimsByCookie.set(cookie, claims);
  }
  return sessionViewer(await resolveSession(claims));
}

function sessionViewer(user: SessionUser | null): Viewer {
  return user ? { kind: "user", via: "session", userId: user.id, sessionId: user.sessionId } : anonymous;
}

/** The viewer behind the current session cookie (pages and server actions). */
export async function viewerFromSession(): Promise<Viewer> {
  return sessionViewer(await sessionUser());
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
  return apiSessionViewer(request);
}
