import "server-only";
import { GraphQLError } from "graphql";
import { HTTP_STATUS, RETRY_AFTER_SECONDS } from "@/lib/server/errors";
import { asAppError } from "@/lib/server/unavailable";
import type { Viewer } from "@/lib/server/viewer";
import type { GraphQLContext } from "./builder";

/** Who is asking (resolved once per request, in http.ts); resolvers receive it and never re-read it. */
export async function createContext(viewer: Promise<Viewer>, bodyText?: string): Promise<GraphQLContext> {
  try {
    return { viewer: await viewer, bodyText };
  } catch (caught) {
    // A Bearer token is looked up in the database: an outage here is a 503 like anywhere else.
    const error = asAppError(caught);
    if (!error) throw caught;
    const headers = error.code === "UNAVAILABLE" ? new Map([["retry-after", String(RETRY_AFTER_SECONDS)]]) : undefined;
    throw new GraphQLError(error.message, {
      extensions: { code: error.code, http: { status: HTTP_STATUS[error.code], ...(headers ? { headers } : {}) } },
    });
  }
}
