import "server-only";
import { GraphQLError } from "graphql";
import { HTTP_STATUS, RETRY_AFTER_SECONDS } from "@/lib/server/errors";
import { viewerFromRequest } from "@/lib/server/request-viewer";
import { asAppError } from "@/lib/server/unavailable";
import type { GraphQLContext } from "./builder";

/** Resolves who is asking once per request; resolvers receive the result and never re-read it. */
export async function createContext(request: Request): Promise<GraphQLContext> {
  try {
    return { viewer: await viewerFromRequest(request) };
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
