import { AppError } from "@/lib/server/errors";
import { route } from "@/lib/server/route";
import { watchSubmission } from "@/lib/server/services/submissions/watch-submission";

// Server-sent events for live pages: `progress` on every change, `done` at a terminal status.
// GraphQL's `submission { status progress }` is the polling equivalent for scripts.
export const GET = route<{ id: string }>(async ({ request, viewer, params }) => {
  const encoder = new TextEncoder();
  const updates = watchSubmission(viewer, params.id, request.signal);
  // Runs the access check before committing to a stream, so a refusal is a plain HTTP error.
  const first = await updates.next();
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
});
