import "server-only";
import type { TokenScope } from "@/generated/prisma/enums";

// Who is asking, resolved once per request (from the session cookie or a Bearer token)
// and handed to every service function. Services never look at requests themselves.
export type Viewer =
  | { kind: "anonymous" }
  | {
      kind: "user";
      userId: string;
      via: "session";
      /** The Session row behind the cookie; absent for viewers made outside a request (tests, scripts). */
      sessionId?: string;
    }
  | {
      kind: "user";
      userId: string;
      via: "token";
      tokenId: string;
      scopes: readonly TokenScope[];
      /** A token limited to one class; null means every class of its owner. */
      classId: string | null;
    };

export type SignedInViewer = Extract<Viewer, { kind: "user" }>;

export const anonymous: Viewer = { kind: "anonymous" };
