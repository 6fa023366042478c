import "server-only";
import { HeaderMap, type HTTPGraphQLResponse } from "@apollo/server";
import { readLimitedBody } from "@/lib/server/body-limit";
import { viewerFromRequest } from "@/lib/server/request-viewer";
import type { Viewer } from "@/lib/server/viewer";
import { createContext } from "./context";
import { answerFromCache } from "./response-cache";
import { createApolloServer } from "./server";

// The HTTP side of /api/graphql: Apollo's integration interface (executeHTTPGraphQLRequest)
// driven directly. The request body is read and parsed here, once, so that every way a body can
// be wrong is answered as the client's mistake with a GraphQL-style error: not JSON by its
// content type (415), too large (413), not UTF-8 or not JSON (400), a batch (400). Apollo checks the
// rest of the request's shape (query, variables, operationName, GET rules, CSRF) itself.
// @as-integrations/next did this before, but parsed only `content-type: application/json`
// exactly, and let a malformed body escape as an empty HTTP 500.

const server = createApolloServer();
server.startInBackgroundHandlingStartupErrorsByLoggingAndFailingAllRequests();

function badRequest(status: number, message: string): Response {
  return Response.json(
    { errors: [{ message, extensions: { code: "BAD_REQUEST" } }] },
    { status, headers: { "cache-control": "private, no-store" } },
  );
}

/** `application/json`, with or without parameters (a charset): JSON is UTF-8 (RFC 8259). */
function isJson(contentType: string | null): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text of a POST's JSON body, or the response that refuses it. */
async function postText(request: Request): Promise<string | Response> {
  if (!isJson(request.headers.get("content-type"))) {
    return badRequest(415, "Send the operation as JSON, with the header `content-type: application/json`.");
  }
  const bytes = await readLimitedBody(request);
  if (bytes instanceof Response) return bytes;
  try {
    return utf8.decode(bytes);
  } catch {
    return badRequest(400, "The request body is not valid UTF-8.");
  }
}

/** The body parsed as one GraphQL request object, or the response that refuses it. */
function parseBody(text: string): { body: object } | Response {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return badRequest(400, `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(body)) {
    return badRequest(400, "Batched operations (a JSON array) are not supported: send one operation per request.");
  }
  if (body === null || typeof body !== "object") {
    return badRequest(400, 'The request body must be a JSON object: {"query": "…", "variables": {…}}.');
  }
  return { body };
}

function toResponse(answer: HTTPGraphQLResponse): Response {
  const headers = new Headers();
  for (const [name, value] of answer.headers) headers.set(name, value);
  if (answer.body.kind === "complete")
    return new Response(answer.body.string, { status: answer.status ?? 200, headers });
  // Incremental delivery (@defer): graphql 16 has none, but the interface allows it.
  const chunks = answer.body.asyncIterator;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
  });
  return new Response(stream, { status: answer.status ?? 200, headers });
}

export async function handleGraphQLRequest(request: Request): Promise<Response> {
  let body: unknown;
  let bodyText: string | undefined;
  // Once per request, when first needed: by the cache's fast path or by Apollo's context. A
  // refusal (a bad token) rejects both alike, and Apollo reports it.
  let viewer: Promise<Viewer> | undefined;
  const resolveViewer = () => (viewer ??= viewerFromRequest(request));
  if (request.method === "POST") {
    const text = await postText(request);
    if (text instanceof Response) return text;
    // Before parsing: a known body needs none.
    const cached = await answerFromCache(text, resolveViewer);
    if (cached) return cached;
    const parsed = parseBody(text);
    if (parsed instanceof Response) return parsed;
    body = parsed.body;
    bodyText = text;
  }
  const headers = new HeaderMap();
  for (const [name, value] of request.headers) headers.set(name, value);
  const answer = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method, headers, search: new URL(request.url).search, body },
    context: () => createContext(resolveViewer(), bodyText),
  });
  return toResponse(answer);
}
