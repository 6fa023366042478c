import { describe, expect, it } from "vitest";
import { db, recordQueries } from "@/lib/server/db";
import { changePassword } from "@/lib/server/services/password";
import {
  countMySessions,
  endSession,
  resolveSession,
  SESSION_MAX_AGE_SECONDS,
  signOutEverywhere,
  startSession,
} from "@/lib/server/services/sessions";
import { createApiToken, viewerFromToken } from "@/lib/server/services/tokens";
import { verifyCredentials } from "@/lib/server/services/users";
import type { Viewer } from "@/lib/server/viewer";
import { makeUser } from "../helpers/fixtures";

// Sessions the server can end (services/sessions.ts): the cookie names a Session row, checked on
// every request by lib/server/request-viewer.ts. The browser-level checks (a copied cookie after
// sign-out, another browser after "sign out everywhere") are in e2e/account.spec.ts.

// Counted below: the per-request session check is one statement.
process.env.CATWALK_QUERY_EVENTS = "1";

type U = Awaited<ReturnType<typeof makeUser>>;
const sessionViewer = (user: U, sessionId: string): Viewer => ({
  kind: "user",
  via: "session",
  userId: user.id,
  sessionId,
});

describe("sessions", () => {
  it("a session resolves to its user until it is ended", async () => {
    const user = await makeUser("Session Holder");
    const sid = await startSession(user.id);
    expect(sid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await resolveSession({ userId: user.id, sessionId: sid })).toEqual({
      id: user.id,
      name: "Session Holder",
      email: user.email,
      sessionId: sid,
    });
    // A cookie naming someone else's session, or none, is no session.
    const other = await makeUser("Session Other");
    expect(await resolveSession({ userId: other.id, sessionId: sid })).toBeNull();
    expect(await resolveSession({ userId: user.id })).toBeNull();
    await endSession(sid);
    expect(await resolveSession({ userId: user.id, sessionId: sid })).toBeNull();
  });

  it("the per-request check is one SQL statement (the row and its user together)", async () => {
    const user = await makeUser("Session Query");
    const sid = await startSession(user.id);
    const { value, queries } = await recordQueries(() => resolveSession({ userId: user.id, sessionId: sid }));
    expect(value?.name).toBe("Session Query");
    expect(queries).toHaveLength(1);
  });

  it("expires 30 days after sign-in however often it is used, and sign-in sweeps expired rows", async () => {
    const user = await makeUser("Session Expiry");
    const long = new Date(Date.now() - SESSION_MAX_AGE_SECONDS * 1000 - 1000);
    const old = await startSession(user.id, long);
    expect(await resolveSession({ userId: user.id, sessionId: old })).toBeNull();
    await startSession(user.id);
    expect(await db.session.count({ where: { id: old } })).toBe(0);
  });

  it("sign out everywhere ends every session of the user, and only theirs", async () => {
    const [user, bystander] = [await makeUser("Everywhere"), await makeUser("Bystander")];
    const sids = [await startSession(user.id), await startSession(user.id), await startSession(user.id)];
    const theirs = await startSession(bystander.id);
    expect(await countMySessions(sessionViewer(user, sids[0]!))).toBe(3);
    expect(await signOutEverywhere(sessionViewer(user, sids[0]!))).toBe(3);
    for (const sid of sids) expect(await resolveSession({ userId: user.id, sessionId: sid })).toBeNull();
    expect(await resolveSession({ userId: bystander.id, sessionId: theirs })).not.toBeNull();
  });

  it("an API token can neither end sessions nor change the password", async () => {
    const user = await makeUser("Token Holder");
    const sid = await startSession(user.id);
    const { token } = await createApiToken(sessionViewer(user, sid), { name: "script", scopes: ["WRITE"] });
    const viaToken = (await viewerFromToken(token))!;
    await expect(signOutEverywhere(viaToken)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      changePassword(viaToken, { currentPassword: user.password, newPassword: "brand new passphrase" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("password change", () => {
  it("ends the other sessions, keeps this one, and keeps API tokens working", async () => {
    const user = await makeUser("Changer");
    const here = await startSession(user.id);
    const elsewhere = [await startSession(user.id), await startSession(user.id)];
    const { token } = await createApiToken(sessionViewer(user, here), { name: "grading script" });
    const result = await changePassword(
      sessionViewer(user, here),
      { currentPassword: user.password, newPassword: "a new and better passphrase" },
      { ip: "203.0.113.60" },
    );
    expect(result).toEqual({ endedSessions: 2 });
    expect(await resolveSession({ userId: user.id, sessionId: here })).not.toBeNull();
    for (const sid of elsewhere) expect(await resolveSession({ userId: user.id, sessionId: sid })).toBeNull();
    expect(await verifyCredentials(user.email, user.password, { ip: "203.0.113.61" })).toBeNull();
    expect(await verifyCredentials(user.email, "a new and better passphrase", { ip: "203.0.113.61" })).toMatchObject({
      id: user.id,
    });
    // Tokens are separate credentials: a password change leaves them alone (see services/password.ts).
    expect(await viewerFromToken(token)).toMatchObject({ kind: "user", via: "token", userId: user.id });
  });

  it("names the field that is wrong, and changes nothing", async () => {
    const user = await makeUser("Careful Changer");
    const here = await startSession(user.id);
    const other = await startSession(user.id);
    const viewer = sessionViewer(user, here);
    const attempt = (currentPassword: string, newPassword: string) =>
      changePassword(viewer, { currentPassword, newPassword }, { ip: "203.0.113.62" });
    await expect(attempt("not my password", "a new and better passphrase")).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      issues: [{ path: "currentPassword", message: "The current password is wrong." }],
    });
    await expect(attempt(user.password, "password1")).rejects.toMatchObject({
      issues: [{ path: "newPassword", message: expect.stringMatching(/10,000 most common/) }],
    });
    await expect(attempt(user.password, user.email)).rejects.toMatchObject({
      issues: [{ path: "newPassword", message: "Don't use your email address as your password." }],
    });
    await expect(attempt(user.password, "short")).rejects.toMatchObject({
      issues: [{ path: "newPassword", message: "Use at least 8 characters." }],
    });
    await expect(attempt(user.password, user.password)).rejects.toMatchObject({
      issues: [{ path: "newPassword", message: "Choose a password different from the current one." }],
    });
    expect(await resolveSession({ userId: user.id, sessionId: other })).not.toBeNull();
    expect(await verifyCredentials(user.email, user.password, { ip: "203.0.113.63" })).toMatchObject({ id: user.id });
  });

  it("guessing the current password through a stolen session is limited like signing in", async () => {
    process.env.CATWALK_RATE_SIGNIN_FREE_FAILURES = "2";
    try {
      const user = await makeUser("Stolen Session");
      const viewer = sessionViewer(user, await startSession(user.id));
      const guess = (n: number) =>
        changePassword(
          viewer,
          { currentPassword: `guess-${n}`, newPassword: "attacker passphrase!" },
          { ip: "203.0.113.64" },
        );
      await expect(guess(1)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
      await expect(guess(2)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
      await expect(guess(3)).rejects.toMatchObject({ code: "RATE_LIMITED" });
    } finally {
      delete process.env.CATWALK_RATE_SIGNIN_FREE_FAILURES;
    }
  });
});
