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
 * The request's body, reading at most MAX_BODY_BYTES before anything parses it: the declared
 * length is checked first, and a chunked body without one is cut off while streaming, so neither
 * can make the server buffer an arbitrarily large request. Too large: the 413 response to send.
 */
export async function readLimitedBody(request: Request): Promise<Uint8Array | Response> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > MAX_BODY_BYTES) return tooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
