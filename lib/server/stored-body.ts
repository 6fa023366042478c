import "server-only";

/**
 * A response whose body is bytes kept for many responses (a cached answer, encoded once). A
 * stream of the stored bytes, not `new Response(bytes)`, which copies them (undici's extractBody)
 * on every response, nor a string, which is encoded again each time. A default (not a byte)
 * stream enqueues the chunk as it is: a byte stream would detach its buffer. Nothing writes to
 * stored bytes.
 */
export function storedBodyResponse(body: Uint8Array, headers: Record<string, string>): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(body);
      controller.close();
    },
  });
  return new Response(stream, { status: 200, headers: { ...headers, "content-length": String(body.byteLength) } });
}
