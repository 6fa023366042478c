import "server-only";

/** Largest request body accepted: queries are small; architectures are capped at 256 KiB by the service. */
export const MAX_BODY_BYTES = 512 * 1024;

function tooLarge(): Response {
  return Response.json(
    {
      errors: [
        {
          message: `Request body too large: at most ${MAX_BODY_BYTES} bytes.`,
          extensions: { code: "PAYLOAD_TOO_LARGE" },
        },
      ],
    },
    { status: 413 },
  );
}

/**
 * The request's body, or null past `max` bytes, reading no more than that before anything parses
 * it: the declared length is checked first, and a chunked body without one is cut off while
 * streaming, so neither can make the server buffer an arbitrarily large request.
 */
export async function readBodyUpTo(request: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > max) return null;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The request's body up to MAX_BODY_BYTES (readBodyUpTo), or the 413 response to send. */
export async function readLimitedBody(request: Request): Promise<Uint8Array | Response> {
  return (await readBodyUpTo(request, MAX_BODY_BYTES)) ?? tooLarge();
}
