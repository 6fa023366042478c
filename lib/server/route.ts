import "server-only";
import type { NextRequest } from "next/server";
import { HTTP_STATUS, RETRY_AFTER_SECONDS } from "./errors";
import { viewerFromRequest } from "./request-viewer";
import { asAppError } from "./unavailable";
import type { Viewer } from "./viewer";

// Route handlers' side of the error mapping (GraphQL has graphql/errors.ts, pages lib/server/page.ts,
// server actions lib/server/action-state.ts). A handler gets the request's viewer (cookie or Bearer
// token, resolved once) and its params, calls one service and returns a Response; an AppError
// becomes `{"error": {code, message}}` with its HTTP status here, and anything else stays a 500
// that Next logs without showing the client a stack. A database outage is not a bug: it becomes
// UNAVAILABLE, a 503 with Retry-After, and the next request after the database is back succeeds
// (the pools reconnect on their own).

export interface RouteInput<Params> {
  request: NextRequest;
  viewer: Viewer;
  params: Params;
}

/** Every answer depends on who asks, so none may be kept by a shared cache unless a route says so. */
const DEFAULT_CACHE_CONTROL = "private, no-store";

export function route<Params extends Record<string, string> = Record<string, never>>(
  handler: (input: RouteInput<Params>) => Promise<Response>,
): (request: NextRequest, context: { params: Promise<Params> }) => Promise<Response> {
  return async (request, context) => {
    let response: Response;
    try {
      const [viewer, params] = await Promise.all([viewerFromRequest(request), context.params]);
      response = await handler({ request, viewer, params });
    } catch (caught) {
      const error = asAppError(caught);
      if (!error) throw caught;
      response = Response.json(
        { error: { code: error.code, message: error.message } },
        { status: HTTP_STATUS[error.code] },
      );
      if (error.code === "UNAVAILABLE") response.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
    }
    if (!response.headers.has("cache-control")) response.headers.set("cache-control", DEFAULT_CACHE_CONTROL);
    return response;
  };
}

/** A CSV download. */
export function csvResponse(filename: string, csv: string): Response {
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "cache-control": "no-store",
    },
  });
}
