import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";
import { requireSession } from "../access";
import { forgetAccess } from "../access-cache";
import { db } from "../db";
import { badInput, unauthenticated } from "../errors";
import { parseInput } from "../input";
import { newPasswordSchema, passwordIssues } from "../password-policy";
import { limitPasswordCheck } from "../sign-in-limit";
import type { Viewer } from "../viewer";
import type { RequestOrigin } from "./users";

const changeSchema = z.object({
  currentPassword: z.string().min(1, "Enter your current password.").max(200, "Enter your current password."),
  newPassword: newPasswordSchema,
});

export interface PasswordChanged {
  /** Sessions ended: every other browser this account was signed in on. */
  endedSessions: number;
}

/**
 * Changes the viewer's password after checking the current one, and ends every other session of
 * the account; the one making the change stays signed in. The current-password check counts as a
 * sign-in attempt (the same limits), so a stolen session can't be used to guess the password.
 * API tokens are not touched: they are separate credentials, listed with their last use on the
 * tokens page, and revoking them here would silently break graders' scripts.
 */
export async function changePassword(
  viewer: Viewer,
  input: unknown,
  origin: RequestOrigin = {},
): Promise<PasswordChanged> {
  const me = requireSession(viewer, "change the password");
  const { currentPassword, newPassword } = parseInput(changeSchema, input);
  const user = await db.user.findUnique({ where: { id: me.userId }, select: { email: true, passwordHash: true } });
  if (!user) throw unauthenticated();
  // The new password's own problems first: they need no guess at the current one.
  const weak = passwordIssues(newPassword, user.email, "newPassword");
  if (weak.length > 0) throw badInput(weak[0]!.message, weak);
  const ok = await limitPasswordCheck(user.email, origin.ip ?? null, () =>
    verify(user.passwordHash, currentPassword).catch(() => false),
  );
  if (!ok) {
    const message = "The current password is wrong.";
    throw badInput(message, [{ path: "currentPassword", message }]);
  }
  if (newPassword === currentPassword) {
    const message = "Choose a password different from the current one.";
    throw badInput(message, [{ path: "newPassword", message }]);
  }
  const passwordHash = await hash(newPassword);
  const [, ended] = await db.$transaction([
    db.user.update({ where: { id: me.userId }, data: { passwordHash }, select: { id: true } }),
    db.session.deleteMany({
      where: { userId: me.userId, ...(me.sessionId ? { id: { not: me.sessionId } } : {}) },
    }),
  ]);
  forgetAccess();
  return { endedSessions: ended.count };
}
