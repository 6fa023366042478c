import "server-only";
import { randomBytes } from "node:crypto";
import { requireSession } from "../access";
import { accessCache, forgetAccess } from "../access-cache";
import { db } from "../db";
import type { Viewer } from "../viewer";

// Sessions that the server can end. The cookie is an Auth.js JWT (credentials sign-in needs JWT
// sessions) carrying the id of a Session row; a request is signed in only while that row exists
// and has not expired. So signing out, "sign out everywhere" and a password change take effect on
// the next request of every copy of the cookie, instead of at the JWT's own expiry.

/** A session's absolute lifetime, from sign-in; the cookie is refreshed, the row is not. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** Records a new session for a user who just proved who they are; returns its id. */
export async function startSession(userId: string, now = new Date()): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  // Each sign-in sweeps the user's own expired rows: no cron job, and the table stays the size
  // of the live sessions.
  await db.$transaction([
    db.session.deleteMany({ where: { userId, expiresAt: { lte: now } } }),
    db.session.create({
      data: { id, userId, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) },
      select: { id: true },
    }),
  ]);
  return id;
}

// A session row with its user's name and email, by (session, user). See access-cache.ts.
const sessionRows = accessCache<{ name: string; email: string; expiresAt: Date }>("sessions");

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  sessionId: string;
}

/**
 * The user behind a session cookie's claims, or null when that session has ended (signed out,
 * ended elsewhere, expired, or the user is gone). One query: the session row with its user.
 */
export async function resolveSession(claims: {
  userId?: string | null;
  sessionId?: string | null;
}): Promise<SessionUser | null> {
  const { userId, sessionId } = claims;
  if (!userId || !sessionId) return null;
  // Prisma would load the user in a second statement; this runs on every request, so one join.
  // Expiry is checked here, not in SQL, so that a cached row (see access-cache.ts) expires too.
  const row = await sessionRows.read(`${sessionId}|${userId}`, async () => {
    const [found] = await db.$queryRaw<Array<{ name: string; email: string; expiresAt: Date }>>`
      SELECT u."name", u."email", s."expiresAt" FROM "Session" s JOIN "User" u ON u."id" = s."userId"
      WHERE s."id" = ${sessionId} AND s."userId" = ${userId}`;
    return found ?? null;
  });
  if (!row || row.expiresAt.getTime() <= Date.now()) return null;
  return { id: userId, name: row.name, email: row.email, sessionId };
}

/** How many browsers the viewer is signed in on (live sessions), for the account page. */
export async function countMySessions(viewer: Viewer): Promise<number> {
  const me = requireSession(viewer, "list sessions");
  return db.session.count({ where: { userId: me.userId, expiresAt: { gt: new Date() } } });
}

/** Ends one session (sign-out). Ending one that is already gone is fine. */
export async function endSession(sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId } });
  forgetAccess();
}

/** "Sign out everywhere": ends every session of the viewer, this one included; returns how many. */
export async function signOutEverywhere(viewer: Viewer): Promise<number> {
  const me = requireSession(viewer, "end sessions");
  const { count } = await db.session.deleteMany({ where: { userId: me.userId } });
  forgetAccess();
  return count;
}
