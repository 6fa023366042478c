import "server-only";
import { GraphQLError } from "graphql";
import { AppError, HTTP_STATUS } from "@/lib/server/errors";
import { viewerFromRequest } from "@/lib/server/request-viewer";
import type { GraphQLContext } from "./builder";

/** Resolves who is asking once per request; resolvers receive the result and never re-read it. */
export async function createContext(request: Request): Promise<GraphQLContext> {
  try {
    return { viewer: await viewerFromRequest(request) };
  } catch (error) {
    if (error instanceof AppError) {
      throw new GraphQLError(error.message, {
        extensions: { code: error.code, http: { status: HTTP_STATUS[error.code] } },
      });
    }
    throw error;
  }
}
