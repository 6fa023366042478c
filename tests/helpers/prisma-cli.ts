// Running the Prisma CLI (through scripts/prisma/run.mjs, so with the shim where needed) and
// reading the database directly, for tests of the migration machinery.

import pg from "pg";
import { withServerClient } from "../../scripts/platform/postgres-server";
import { runPrismaCli } from "../../scripts/platform/prisma-cli";

export interface PrismaRun {
  code: number | null;
  output: string;
}

export async function prisma(args: string[], url: string): Promise<PrismaRun> {
  const lines: string[] = [];
  const status = await runPrismaCli(args, { ...process.env, DATABASE_URL: url }, (line) => lines.push(line));
  return { code: status.code, output: lines.join("\n") };
}

export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

export async function shadowDatabases(url: string): Promise<string[]> {
  return withServerClient(url, async (client) =>
    (
      await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'prisma_shadow_%'")
    ).rows.map((row) => row.datname),
  );
}

// Each Prisma CLI run is a Node process plus the engine: seconds on a busy 2-core machine.
export const PRISMA_TIMEOUT = 60_000;
