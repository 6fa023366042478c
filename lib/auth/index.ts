import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { clientIp } from "@/lib/server/client-address";
import { AppError } from "@/lib/server/errors";
import { endSession, SESSION_MAX_AGE_SECONDS, startSession } from "@/lib/server/services/sessions";
import { verifyCredentials } from "@/lib/server/services/users";

declare module "next-auth" {
  interface Session {
    /** The Session row this cookie stands for (services/sessions.ts). */
    sessionId?: string;
  }
}

/**
 * Sign-in refused by a rate limit. Auth.js appends a documentation link to `message`, so the
 * sign-in form shows `userMessage` (how long to wait) instead; `code` survives minification.
 */
export class RateLimitedSignIn extends CredentialsSignin {
  override code = "rate_limited";
  constructor(readonly userMessage: string) {
    super(userMessage);
  }
}

// Credentials sign-in needs JWT sessions (there is no adapter session table). The token carries
// the user id and the id of a Session row; lib/server/request-viewer.ts checks per request that
// the row still exists, which is what makes sign-out and "sign out everywhere" real. Roles are
// read from memberships per request, so a role change takes effect immediately.
export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/signin" },
  logger: {
    // A wrong password or a rate-limited attempt is an expected outcome, shown to the user; not
    // an error for the log. `type` and `code` survive minification (class names don't).
    error(error) {
      const type = (error as { type?: string }).type ?? error.name;
      if (type !== "CredentialsSignin") console.error("[auth]", error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: async (credentials, request) => {
        let user: Awaited<ReturnType<typeof verifyCredentials>>;
        try {
          user = await verifyCredentials(credentials.email, credentials.password, { ip: clientIp(request.headers) });
        } catch (error) {
          if (error instanceof AppError && error.code === "RATE_LIMITED") throw new RateLimitedSignIn(error.message);
          throw error;
        }
        return user ? { id: user.id, email: user.email, name: user.name } : null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user, trigger }) {
      if (trigger === "signIn" && user?.id) {
        token.sub = user.id;
        token.sid = await startSession(user.id);
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      if (typeof token.sid === "string") session.sessionId = token.sid;
      return session;
    },
  },
  events: {
    // Sign-out (the header's button, or a POST to /api/auth/signout) ends this session on the
    // server too, so a copy of the cookie stops working.
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid === "string") await endSession(sid);
    },
  },
});
