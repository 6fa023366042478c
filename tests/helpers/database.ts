// A fresh, migrated database per test run, on a real PostgreSQL server: the one named by
// DATABASE_URL (the machine's server on 127.0.0.1:5432 by default). Migrations go through the
// same `prisma migrate deploy` as `npm start`, so tests see exactly the production schema,
// CHECK constraints included.

import { randomBytes } from "node:crypto";
import { migrateDeploy } from "../../scripts/platform/migrations";
import type { Logger } from "../../scripts/platform/paths";
import {
  databaseNameOf,
  ensureDatabaseExists,
  withDatabaseName,
  withServerClient,
} from "../../scripts/platform/postgres-server";

export const DEFAULT_TEST_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Any URL on the server to use; only its host, port and credentials matter. */
  serverUrl?: string;
  /** Skip migrations, for tests of the migration machinery itself. */
  migrate?: boolean;
  /** Migration output; silent by default to keep test logs readable. */
  log?: Logger;
}

/** Unique per call: time for humans scanning `\l`, random bits for parallel runs. */
function uniqueName(): string {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  return `catwalk_test_${stamp}_${randomBytes(4).toString("hex")}`;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = options.serverUrl ?? process.env.DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
  const name = uniqueName();
  const url = withDatabaseName(serverUrl, name);
  await ensureDatabaseExists(url);
  const drop = () => dropDatabase(url);
  try {
    if (options.migrate ?? true) await migrateDeploy(url, options.log ?? (() => {}));
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  return { url, name, drop };
}

/** Drops the URL's database, ending any sessions a test left open. */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  await withServerClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  });
}
