// The embedded-PostgreSQL path of start-up, for tests: what `npm start` does on a machine without
// DATABASE_URL, in a throwaway cluster directory so a developer's .data/postgres is never touched.

import { chmod, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/client";
import { resolveDatabase } from "../../scripts/platform/database";
import { migrateDeploy } from "../../scripts/platform/migrations";
import type { Database } from "../../scripts/platform/postgres-server";

export interface EmbeddedPlatform {
  database: Database;
  /** The cluster directory (inside `root`). */
  directory: string;
}

/** A temporary home for a cluster; as root, the `postgres` user must be able to enter it. */
export async function makeClusterRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "catwalk-embedded-"));
  await chmod(root, 0o755);
  return root;
}

/** Start-up exactly as `npm start` does it with DATABASE_URL unset: resolve, then migrate. */
export async function startEmbeddedPlatform(
  root: string,
  log: (line: string) => void = () => {},
): Promise<EmbeddedPlatform> {
  const directory = join(root, "postgres");
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const database = await resolveDatabase({ env, embeddedDirectory: directory, log });
  try {
    await migrateDeploy(database.url, log);
  } catch (error) {
    await database.stop();
    throw error;
  }
  return { database, directory };
}

export function prismaClientFor(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}

/** Pids of live processes whose command line mentions `directory` (a postgres of that cluster). */
export async function processesUsing(directory: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = await readFile(`/proc/${entry}/cmdline`, "utf8");
      if (commandLine.split("\0").includes(directory)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

export async function removeClusterRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}
