// Runs once when a Next server starts (Next's instrumentation convention), before it serves.
//
// The web server keeps tokens, sessions and class access in memory while it is told of every
// change to them (lib/server/access-cache.ts). Starting that here, not on first use, keeps it out
// of every other process that imports the same modules (the worker, scripts, tests), which read
// the database each time. It never holds start-up: a database that is down is retried in the
// background, and until LISTEN is in place every request reads the database as before.
export async function register(): Promise<void> {
  // Proxy code may run on the edge runtime, which has no TCP sockets; only Node's listens.
  // biome-ignore lint/style/noProcessEnv: Next's own marker of the runtime a bundle runs in, not configuration.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startAccessCache } = await import("./lib/server/access-cache");
  void startAccessCache();
}
