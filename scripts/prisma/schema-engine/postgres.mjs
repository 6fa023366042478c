// Plain pg, for what happens outside the engine: temporary shadow databases and the one-shot
// `cli` commands.

import pg from "pg";

export function databaseNameOf(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
}

export function withDatabase(url, database) {
  const copy = new URL(url);
  copy.pathname = `/${encodeURIComponent(database)}`;
  return copy.toString();
}

export function quoteIdent(name) {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Runs `fn` with a client on the server's maintenance database (the target may not exist yet). */
export async function withMaintenanceClient(url, fn) {
  let lastError;
  for (const database of ["postgres", "template1"]) {
    const client = new pg.Client({ connectionString: withDatabase(url, database) });
    try {
      await client.connect();
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      if (error?.code === "3D000") continue;
      throw error;
    }
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw lastError;
}
