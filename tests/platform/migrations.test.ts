// The migration machinery against a real PostgreSQL: Prisma's CLI driving the wasm-engine shim
// (or the native engine where one was downloaded), and the migrations it applies.

import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  migrateDeploy,
  migrationsAreCurrent,
  migrationsDirectory as migrationsDir,
} from "../../scripts/platform/migrations";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { PRISMA_TIMEOUT, prisma, query, shadowDatabases } from "../helpers/prisma-cli";

describe("migrations on a fresh database", { timeout: PRISMA_TIMEOUT }, () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  }, PRISMA_TIMEOUT);
  afterAll(async () => {
    await db?.drop();
  });

  it("deploy applies every migration, recording Prisma's standard checksums", async () => {
    expect(await migrationsAreCurrent(db.url)).toBe(false);
    await migrateDeploy(db.url, () => {});
    expect(await migrationsAreCurrent(db.url)).toBe(true);
    const applied = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>(
      db.url,
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const onDisk = (await readdir(migrationsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(applied.map((row) => row.migration_name)).toEqual(onDisk.sort());
    for (const row of applied) {
      const script = await readFile(join(migrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(script).digest("hex"));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("status is clean and a second deploy is a no-op", async () => {
    const status = await prisma(["migrate", "status"], db.url);
    expect(status.output).toContain("Database schema is up to date");
    expect(status.code).toBe(0);

    const before = await query<{ n: string }>(db.url, 'SELECT count(*) AS n FROM "_prisma_migrations"');
    const again = await prisma(["migrate", "deploy"], db.url);
    expect(again.code).toBe(0);
    expect(again.output).toContain("No pending migrations to apply");
    expect(await query(db.url, 'SELECT count(*) AS n FROM "_prisma_migrations"')).toEqual(before);
  });

  it("start-up's quick check defers to Prisma once a migration was edited after being applied", async () => {
    const [first] = await query<{ migration_name: string; checksum: string }>(
      db.url,
      'SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name LIMIT 1',
    );
    await query(db.url, 'UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2', [
      "0".repeat(64),
      first!.migration_name,
    ]);
    try {
      expect(await migrationsAreCurrent(db.url)).toBe(false);
    } finally {
      await query(db.url, 'UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2', [
        first!.checksum,
        first!.migration_name,
      ]);
    }
    expect(await migrationsAreCurrent(db.url)).toBe(true);
  });

  it("the migrations produce exactly the Prisma schema (no drift), without leaving shadow databases", async () => {
    const diff = await prisma(
      ["migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema", "prisma/schema.prisma", "--script"],
      db.url,
    );
    expect(diff.code).toBe(0);
    expect(diff.output).toContain("This is an empty migration.");
    expect(await shadowDatabases(db.url)).toEqual([]);
  });

  it("enforces the CHECK constraints the schema language cannot express", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const insertUser = (id: string, email: string) =>
        client.query('INSERT INTO "User" (id, email, name, "passwordHash") VALUES ($1, $2, $3, $4)', [
          id,
          email,
          "Ada",
          "h",
        ]);
      await insertUser("u1", "ada@example.com");
      await expect(insertUser("u2", "Ada@Example.com")).rejects.toThrow(/User_email_lowercase_check/);

      const insertClass = (id: string, slug: string, joinCode: string, quota = 5) =>
        client.query('INSERT INTO "Class" (id, name, slug, "joinCode", "dailyQuota") VALUES ($1, $2, $3, $4, $5)', [
          id,
          "Intro",
          slug,
          joinCode,
          quota,
        ]);
      await insertClass("c1", "intro-ml", "ABCD2345");
      await expect(insertClass("c2", "Intro ML", "ABCD2346")).rejects.toThrow(/Class_slug_format_check/);
      await expect(insertClass("c3", "intro-b", "abc")).rejects.toThrow(/Class_joinCode_format_check/);
      await expect(insertClass("c4", "intro-c", "ABCD2347", -1)).rejects.toThrow(/Class_dailyQuota_check/);

      await client.query(
        'INSERT INTO "Submission" (id, "authorId", "classId", name, architecture, training, "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, now())',
        ["s1", "u1", "c1", "mlp", "{}", "{}"],
      );
      const insertResult = (id: string, accuracy: number, paramCount = 10) =>
        client.query(
          `INSERT INTO "Result" (id, "submissionId", "testAccuracy", "testLoss", "confusionMatrix", history, "paramCount",
             epochs, backend, "trainDurationMs", "evalDurationMs")
           VALUES ($1, 's1', $2, 0.3, $3, '[]', $4, 1, 'wasm', 10, 1)`,
          [id, accuracy, JSON.stringify(Array.from({ length: 10 }, () => Array(10).fill(0))), paramCount],
        );
      await expect(insertResult("r1", 1.2)).rejects.toThrow(/Result_testAccuracy_check/);
      await expect(insertResult("r2", 0.9, -1)).rejects.toThrow(/Result_paramCount_check/);
      await insertResult("r3", 0.9124);

      // Final selections: the limit's range, and only succeeded submissions (the trigger).
      await expect(client.query('UPDATE "Class" SET "finalSelectionsMax" = 0 WHERE id = $1', ["c1"])).rejects.toThrow(
        /Class_finalSelectionsMax_range/,
      );
      await expect(
        client.query('UPDATE "Submission" SET "finalSelectedAt" = now() WHERE id = $1', ["s1"]),
      ).rejects.toThrow(/Only a succeeded submission can be marked final \(this one is QUEUED\)/);
    } finally {
      await client.end();
    }
  });
});
