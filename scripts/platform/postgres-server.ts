// What the launcher does on any PostgreSQL server, external or embedded: name databases in URLs,
// talk to the maintenance database, and create the application database when it is missing.

import pg from "pg";
import type { ExitStatus } from "./processes";

export interface Database {
  /** Connection string for Prisma / pg. */
  url: string;
  /** True when this process started the server (and `stop` really stops something). */
  embedded: boolean;
  /** Stops the embedded server; a no-op for an external one. Safe to call twice. */
  stop(): Promise<void>;
  /** For an embedded server: settles when its process exits, for whatever reason. */
  serverExited?: Promise<ExitStatus>;
}

/** Name of the application database, both on an embedded server and as a default. */
export const APP_DATABASE = "catwalk";

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
}

export function withDatabaseName(url: string, database: string): string {
  const copy = new URL(url);
  copy.pathname = `/${encodeURIComponent(database)}`;
  return copy.toString();
}

/** host:port/database, without credentials, for log lines. */
export function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "5432"}/${databaseNameOf(url)}`;
}

/** Runs `fn` with a client on the server's maintenance database. */
export async function withServerClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabaseName(url, "postgres") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const DUPLICATE_DATABASE = "42P04";
const INVALID_CATALOG_NAME = "3D000";

export class DatabaseUnreachableError extends Error {}

/**
 * Creates the URL's database unless it exists. The database itself is tried first, so servers
 * where we may not connect to the maintenance database (managed hosting) work when it exists.
 * Concurrent callers are fine.
 */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_CATALOG_NAME) {
      throw new DatabaseUnreachableError(`Cannot connect to ${describeUrl(url)}: ${(error as Error).message}`);
    }
  } finally {
    await probe.end().catch(() => {});
  }
  const name = databaseNameOf(url);
  await withServerClient(url, async (client) => {
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } catch (error) {
      if ((error as { code?: string }).code !== DUPLICATE_DATABASE) throw error;
    }
  });
}
