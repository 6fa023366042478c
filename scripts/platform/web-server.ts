// The web app's HTTP server: Next's own request handler (the same one `next start` runs), behind a
// Node server that appends the socket's address to X-Forwarded-For on every request, as a proxy
// would. Next 16 gives route handlers, server actions and Auth.js no socket address: `next start`
// only sets X-Forwarded-For when the client sent none, and keeps a client's header untouched, so
// a forged header would otherwise be indistinguishable from the real peer. With the peer always
// last, lib/server/client-address.ts walks the list from the right and believes only the hops that
// CATWALK_TRUSTED_PROXIES names.
//
// Runs without the react-server condition (Next loads React itself) and imports no server module.
// `npm start` launches it (start.ts); so does e2e/global-setup.ts.

import { createServer, type Server } from "node:http";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import next from "next";
import { appendPeerAddress, markPeerAddressAppended } from "../../lib/peer-address";

export async function startWebServer(options: { hostname: string; port: number; dir?: string }): Promise<Server> {
  const app = next({ dev: false, hostname: options.hostname, port: options.port, dir: options.dir });
  await app.prepare();
  const handle = app.getRequestHandler();
  const upgrade = app.getUpgradeHandler();
  markPeerAddressAppended();
  const server = createServer((request, response) => {
    appendPeerAddress(request);
    handle(request, response).catch((error: unknown) => {
      console.error("[web] request failed:", error);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  server.on("upgrade", (request, socket, head) => {
    appendPeerAddress(request);
    void upgrade(request, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => resolve());
  });
  return server;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { hostname: { type: "string", short: "H" }, port: { type: "string", short: "p" } },
  });
  const hostname = values.hostname ?? process.env.HOSTNAME ?? "127.0.0.1";
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  const server = await startWebServer({ hostname, port });
  console.log(`Catwalk web server on http://${hostname}:${port}`);
  // The launcher stops services with SIGTERM and kills them 10 s later; requests in flight get
  // that long to finish, idle keep-alive connections are closed at once.
  const stop = (code: number) => {
    server.close(() => process.exit(code));
    server.closeIdleConnections();
  };
  process.once("SIGTERM", () => stop(143));
  process.once("SIGINT", () => stop(130));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
