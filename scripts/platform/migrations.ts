// Bringing a database's schema up to date on every start, with the same `prisma migrate deploy`
// production uses, and saying clearly when a migration fails.

import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { defaultLogger, type Logger, projectRoot } from "./paths";
import { describeUrl } from "./postgres-server";
import { runPrismaCli } from "./prisma-cli";

export class MigrationError extends Error {}

/** The migrations folder, as configured in prisma.config.ts. */
export const migrationsDirectory = join(projectRoot, "prisma", "migrations");

interface LocalMigration {
  name: string;
  checksum: string;
}

/** Migrations on disk with the checksum Prisma records for them (sha256 of migration.sql). */
async function localMigrations(): Promise<LocalMigration[]> {
  const entries = await readdir(migrationsDirectory, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({
      name,
      checksum: createHash("sha256")
        .update(await readFile(join(migrationsDirectory, name, "migration.sql")))
        .digest("hex"),
    })),
  );
}

/**
 * True when `prisma migrate deploy` would have nothing to do or say: every migration on disk is
 * applied, unedited, and the database knows no others and no failed ones. Anything else goes
 * through Prisma, which applies, reports or refuses as it does in production.
 */
export async function migrationsAreCurrent(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const table = await client.query<{ found: string | null }>(
      `SELECT to_regclass('"_prisma_migrations"')::text AS found`,
    );
    if (!table.rows[0]?.found) return false;
    const applied = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const local = await localMigrations();
    if (applied.rows.length !== local.length) return false;
    const byName = new Map(applied.rows.map((row) => [row.migration_name, row]));
    return local.every(({ name, checksum }) => {
      const row = byName.get(name);
      return row !== undefined && row.finished_at !== null && row.checksum === checksum;
    });
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Applies pending migrations with `prisma migrate deploy`, the same command production uses.
 * Idempotent and run on every start; when nothing is pending, the check above answers in
 * milliseconds instead of the seconds a Prisma CLI run takes.
 */
export async function migrateDeploy(url: string, log: Logger = defaultLogger): Promise<void> {
  if (await migrationsAreCurrent(url)) {
    log(`Database schema is up to date (${describeUrl(url)}).`);
    return;
  }
  const lines: string[] = [];
  const status = await runPrismaCli(["migrate", "deploy"], { ...process.env, DATABASE_URL: url }, (line) => {
    lines.push(line);
    if (line.trim()) log(`[migrate] ${line}`);
  });
  if (status.code !== 0) {
    throw new MigrationError(
      `prisma migrate deploy failed (exit ${status.code ?? status.signal}) on ${describeUrl(url)}:\n${lines.slice(-30).join("\n")}`,
    );
  }
}
