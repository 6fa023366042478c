import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { clientIp } from "@/lib/server/client-address";
import { AppError } from "@/lib/server/errors";
import { verifyCredentials } from "@/lib/server/services/users";

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

// Credentials sign-in needs JWT sessions (there is no adapter session table); the token
// carries only the user id, and roles are read from memberships per request, so a role
// change takes effect immediately rather than at the next sign-in.
export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
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
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
});
