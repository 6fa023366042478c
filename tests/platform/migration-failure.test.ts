// A failing migration, applied by Prisma's CLI through the wasm-engine shim: it must be recorded
// as failed with none of its statements left behind, and `$$` bodies must arrive whole. (Its own
// file so that vitest runs it alongside the other slow CLI tests.)

import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsDirectory } from "../../scripts/platform/migrations";
import { projectRoot } from "../../scripts/platform/paths";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { PRISMA_TIMEOUT, prisma, query } from "../helpers/prisma-cli";

const migrationsDir = migrationsDirectory;

describe("a migration that fails", { timeout: PRISMA_TIMEOUT }, () => {
  let db: TestDatabase;
  let workDir: string;
  let configFile: string;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    // A copy of the real migrations plus two more, behind a config that points Prisma at them.
    workDir = await mkdtemp(join(tmpdir(), "catwalk-migrations-"));
    await cp(migrationsDir, join(workDir, "migrations"), { recursive: true });
    await cp(join(projectRoot, "prisma", "schema.prisma"), join(workDir, "schema.prisma"));
    await writeMigration(
      "29990101000000_function_with_semicolons",
      // `$$` bodies contain semicolons: splitting scripts on ';' (adapter-pg's default) breaks this.
      `CREATE FUNCTION "probe_add"(a integer, b integer) RETURNS integer AS $$
BEGIN
  RETURN a + b;
END;
$$ LANGUAGE plpgsql;
`,
    );
    await writeMigration(
      "29990102000000_broken",
      `CREATE TABLE "Probe" ("id" integer PRIMARY KEY);
INSERT INTO "Probe" VALUES (1);
SELECT 1 / 0;
`,
    );
    configFile = join(workDir, "prisma.config.mjs");
    await writeFile(
      configFile,
      `export default ${JSON.stringify({
        schema: join(workDir, "schema.prisma"),
        migrations: { path: join(workDir, "migrations") },
        datasource: { url: db.url },
      })};\n`,
    );
  }, PRISMA_TIMEOUT);
  afterAll(async () => {
    await db?.drop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function writeMigration(name: string, sql: string): Promise<void> {
    await mkdir(join(workDir, "migrations", name));
    await writeFile(join(workDir, "migrations", name, "migration.sql"), sql);
  }

  it("records the failure and leaves nothing of it applied", async () => {
    const run = await prisma(["migrate", "deploy", "--config", configFile], db.url);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/29990102000000_broken/);
    expect(run.output).toMatch(/division by zero/);

    const rows = await query<{ migration_name: string; finished_at: Date | null; logs: string | null }>(
      db.url,
      'SELECT migration_name, finished_at, logs FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const byName = new Map(rows.map((row) => [row.migration_name, row]));
    expect(byName.get("29990101000000_function_with_semicolons")?.finished_at).not.toBeNull();
    const broken = byName.get("29990102000000_broken");
    expect(broken?.finished_at).toBeNull();
    expect(broken?.logs).toMatch(/division by zero/);

    // The earlier statements of the failed script were rolled back with it.
    expect(await query(db.url, `SELECT to_regclass('"Probe"') AS probe`)).toEqual([{ probe: null }]);
    // And the function whose body has semicolons was created whole.
    expect(await query(db.url, 'SELECT "probe_add"(2, 3) AS sum')).toEqual([{ sum: 5 }]);

    const status = await prisma(["migrate", "status", "--config", configFile], db.url);
    expect(status.code).not.toBe(0);
    expect(status.output).toMatch(/failed/i);
  });
});
