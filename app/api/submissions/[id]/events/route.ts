import type { NextRequest } from "next/server";
import { AppError, HTTP_STATUS } from "@/lib/server/errors";
import { viewerFromRequest } from "@/lib/server/request-viewer";
import { type SubmissionUpdate, watchSubmission } from "@/lib/server/services/submissions";

// Server-sent events for live pages: `progress` on every change, `done` at a terminal status.
// GraphQL's `submission { status progress }` is the polling equivalent for scripts.
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const encoder = new TextEncoder();
  let updates: AsyncGenerator<SubmissionUpdate>;
  let first: IteratorResult<SubmissionUpdate>;
  try {
    updates = watchSubmission(await viewerFromRequest(request), id, request.signal);
    first = await updates.next(); // runs the access check before we commit to a stream
  } catch (error) {
    if (error instanceof AppError) {
      return Response.json(
        { error: { code: error.code, message: error.message } },
        { status: HTTP_STATUS[error.code] },
      );
    }
    throw error;
  }
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: string, data: unknown) =>
        controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      // Comments keep proxies from closing an idle connection during a long epoch.
      const keepAlive = setInterval(() => controller.enqueue(encoder.encode(": keep-alive\n\n")), 15_000);
      try {
        let current = first;
        while (!current.done) {
          send("progress", current.value);
          current = await updates.next();
        }
        if (!request.signal.aborted) send("done", {});
      } catch (error) {
        send("error", { message: error instanceof AppError ? error.message : "The update stream failed." });
      } finally {
        clearInterval(keepAlive);
        controller.close();
      }
    },
    cancel() {
      void updates.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
