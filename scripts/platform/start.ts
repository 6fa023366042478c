// `npm start`: the whole platform from one command.
//
//   environment → database (external or embedded) → migrations → `next build` when stale →
//   web server + trainer worker, their output prefixed on one terminal.
//
// Ctrl-C / SIGTERM stops the services first, then PostgreSQL, so nothing writes to a database that
// is going away. If a service dies on its own, everything is stopped and the exit code is 1.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { SERVER_NODE_ARGS } from "../../lib/node-args";
import { resolveDatabase } from "./database";
import { ensureLocalEnv } from "./env";
import { migrateDeploy } from "./migrations";
import { defaultLogger, type Logger, projectRoot } from "./paths";
import { isPortFree } from "./ports";
import type { Database } from "./postgres-server";
import { runPrismaCli } from "./prisma-cli";
import {
  type ExitStatus,
  exited,
  forwardLines,
  onLauncherExit,
  onShutdownSignal,
  runToCompletion,
  stopChild,
} from "./processes";

/** A long-running process of the platform. The list is data so new services are one entry. */
export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  /** Why the service is skipped, or undefined when it should run. */
  skipReason?: () => string | undefined;
}

const nextCli = join(projectRoot, "node_modules", "next", "dist", "bin", "next");
const webServerEntry = join(projectRoot, "scripts", "platform", "web-server.ts");
const workerEntry = join(projectRoot, "worker", "main.ts");

export function platformServices(env: { HOSTNAME: string; PORT: string }): ServiceSpec[] {
  return [
    {
      // Next's request handler behind our own HTTP server, which tells the app each request's
      // socket address (web-server.ts): `next start` can't, and per-address limits need it.
      // Without the react-server condition: Next loads React for itself.
      name: "web",
      command: process.execPath,
      args: ["--import", "tsx", webServerEntry, "-H", env.HOSTNAME, "-p", env.PORT],
    },
    {
      name: "worker",
      command: process.execPath,
      args: [...SERVER_NODE_ARGS, workerEntry],
      skipReason: () =>
        existsSync(workerEntry)
          ? undefined
          : `${relative(projectRoot, workerEntry)} does not exist yet; not starting the trainer worker.`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Build freshness

/** Paths that never feed `next build`; everything else in the project might. */
const NOT_BUILD_INPUTS = new Set([
  "node_modules",
  ".next",
  ".data",
  ".local",
  ".git",
  "tests",
  "e2e",
  "test-results",
  "playwright-report",
  "coverage",
  "bench",
  "scripts",
  "worker",
  "prisma",
  "README.md",
  "ARCHITECTURE.md",
  "CONTRIBUTING.md",
  "docs",
  "biome.jsonc",
]);

async function newestMtime(directory: string, topLevel: boolean): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (topLevel && NOT_BUILD_INPUTS.has(entry.name)) continue;
    if (entry.name.startsWith(".") && entry.name !== ".env") continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestMtime(path, false));
    else if (entry.isFile()) newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

/** Why a build is needed, or undefined when `.next` is newer than every source file. */
export async function buildStaleness(): Promise<string | undefined> {
  const buildId = join(projectRoot, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return "no production build yet";
  const builtAt = statSync(buildId).mtimeMs;
  const sourcesAt = await newestMtime(projectRoot, true);
  return sourcesAt > builtAt ? "sources changed since the last build" : undefined;
}

// ---------------------------------------------------------------------------------------------
// Supervision

function prefixer(name: string): (line: string) => void {
  const label = `[${name}]`.padEnd(9);
  return (line) => process.stdout.write(`${label}${line}\n`);
}

async function waitForHttp(url: string, isStopping: () => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 600 && !isStopping(); attempt++) {
    try {
      await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return false;
}

class Platform {
  private readonly children = new Map<string, ChildProcess>();
  /** A one-off step (migrate, build) that must also stop on Ctrl-C. */
  private currentStep: ChildProcess | undefined;
  private database: Database | undefined;
  /** Kept so that a Ctrl-C during start-up still stops the server that is coming up. */
  private databaseStarting: Promise<Database> | undefined;
  private stopping: Promise<void> | undefined;
  exitCode = 0;

  constructor(private readonly log: Logger) {}

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  async start(): Promise<void> {
    const env = await ensureLocalEnv({ log: this.log });
    if (!(await isPortFree(Number(env.PORT), env.HOSTNAME))) {
      throw new Error(`Port ${env.PORT} on ${env.HOSTNAME} is already in use. Stop whatever uses it, or set PORT.`);
    }
    this.databaseStarting = resolveDatabase({ env, log: this.log });
    this.database = await this.databaseStarting;
    void this.database.serverExited?.then((status) => this.onServiceExit("postgres", status));
    if (this.isStopping) return;
    await migrateDeploy(this.database.url, this.log);
    if (this.isStopping) return;
    const appEnv: NodeJS.ProcessEnv = { ...env, DATABASE_URL: this.database.url, NODE_ENV: "production" };
    await this.generateClientIfStale();
    if (this.isStopping) return;
    await this.buildIfStale(appEnv);
    if (this.isStopping) return;
    for (const service of platformServices(env)) this.launch(service, appEnv);
    const url = `http://${env.HOSTNAME}:${env.PORT}`;
    if (await waitForHttp(url, () => this.isStopping)) this.log(`Catwalk is up: ${url}  (Ctrl-C stops everything)`);
  }

  /**
   * postinstall generates the client, but `npm install --ignore-scripts` or an edited schema
   * leave it missing or stale, and the build would then fail far from the cause.
   */
  private async generateClientIfStale(): Promise<void> {
    const client = join(projectRoot, "generated", "prisma", "client.ts");
    const schema = join(projectRoot, "prisma", "schema.prisma");
    if (existsSync(client) && statSync(client).mtimeMs >= statSync(schema).mtimeMs) return;
    this.log("Generating the Prisma client (missing or older than prisma/schema.prisma) ...");
    const status = await runPrismaCli(["generate"], process.env, prefixer("prisma"));
    if (status.code !== 0) throw new Error(`prisma generate failed (exit ${status.code ?? status.signal}).`);
  }

  private async buildIfStale(env: NodeJS.ProcessEnv): Promise<void> {
    const reason = await buildStaleness();
    if (!reason) {
      this.log("Production build is current; skipping next build.");
      return;
    }
    this.log(`Building the web app (${reason}) ...`);
    const started = Date.now();
    const status = await runToCompletion(
      process.execPath,
      [nextCli, "build"],
      { cwd: projectRoot, env },
      prefixer("build"),
      (child) => {
        this.currentStep = child;
      },
    );
    this.currentStep = undefined;
    if (this.isStopping) return;
    if (status.code !== 0) throw new Error(`next build failed (exit ${status.code ?? status.signal}).`);
    this.log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  }

  private launch(service: ServiceSpec, env: NodeJS.ProcessEnv): void {
    const skip = service.skipReason?.();
    if (skip) {
      this.log(skip);
      return;
    }
    const child = spawn(service.command, service.args, {
      cwd: projectRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group: Ctrl-C reaches only us, and we stop services in order.
      detached: true,
    });
    this.children.set(service.name, child);
    forwardLines(child, prefixer(service.name));
    child.once("error", (error) => this.onServiceExit(service.name, { code: null, signal: null }, error));
    void exited(child).then((status) => this.onServiceExit(service.name, status));
  }

  private onServiceExit(name: string, status: ExitStatus, error?: Error): void {
    if (this.isStopping) return;
    const how = error ? error.message : status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
    this.log(`${name} stopped unexpectedly (${how}); shutting everything down.`);
    this.exitCode = 1;
    void this.stop().then(() => process.exit(this.exitCode));
  }

  /** Services first (SIGTERM, then SIGKILL after 10 s), PostgreSQL last. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.currentStep) await stopChild(this.currentStep, "SIGTERM", 10_000);
      await Promise.all([...this.children.values()].map((child) => stopChild(child, "SIGTERM", 10_000)));
      const database = this.database ?? (await this.databaseStarting?.catch(() => undefined));
      await database?.stop();
    })();
    return this.stopping;
  }
}

async function main(): Promise<void> {
  const log = defaultLogger;
  const platform = new Platform(log);
  const shutDown = (reason: string) => {
    log(`${reason}: stopping services, then the database ...`);
    void platform.stop().then(() => process.exit(platform.exitCode));
  };
  const stopWatchingSignals = onShutdownSignal((signal) => shutDown(`${signal} received`), log);
  onLauncherExit(() => {
    stopWatchingSignals();
    shutDown("The launching process exited");
  });
  try {
    await platform.start();
  } catch (error) {
    // A step that fails because Ctrl-C interrupted it (initdb, migrate, build) is no news.
    if (platform.isStopping) return;
    log(error instanceof Error ? error.message : String(error));
    platform.exitCode = 1;
    await platform.stop();
    process.exit(1);
  }
}

await main();
