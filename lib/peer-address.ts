// How the app learns each request's socket address. scripts/platform/web-server.ts serves the app
// and appends the socket's address to X-Forwarded-For the way a proxy does, and marks the process
// as doing so. Next's own server (`next
// start`, `next dev`) only fills the header in when the client sent none (base-server.js:
// `req.headers['x-forwarded-for'] ??= socket.remoteAddress`), so behind it the last entry may be
// the client's invention. The server script and Next's bundles load this file as different module
// instances, hence a registered symbol on globalThis rather than a module variable.

import type { IncomingMessage } from "node:http";

const MARK = Symbol.for("catwalk.web-server.appends-peer-address");

/** Appends the socket's address to X-Forwarded-For (Node joins repeated headers with ", "). */
export function appendPeerAddress(request: Pick<IncomingMessage, "headers" | "socket">): void {
  const peer = request.socket.remoteAddress;
  // A socket that closed before the request was handled has no address; Next answers nobody then.
  if (!peer) return;
  const prior = request.headers["x-forwarded-for"];
  request.headers["x-forwarded-for"] = prior ? `${prior}, ${peer}` : peer;
}

export function markPeerAddressAppended(): void {
  (globalThis as Record<symbol, unknown>)[MARK] = true;
}

export function peerAddressIsAppended(): boolean {
  return (globalThis as Record<symbol, unknown>)[MARK] === true;
}
