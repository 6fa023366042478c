#!/usr/bin/env node

// A stand-in for Prisma's native `schema-engine` binary, for machines that cannot download it.
//
// The Prisma CLI spawns whatever PRISMA_SCHEMA_ENGINE_BINARY points at and talks JSON-RPC 2.0 to it
// (one request per line on stdin, one response per line on stdout, JSON log lines on stderr).
// Prisma publishes the very same engine compiled to WebAssembly (@prisma/schema-engine-wasm); it
// reaches the database through a driver adapter instead of its own drivers, so this script wires
// it to @prisma/adapter-pg and relays the protocol. Migrations and the `_prisma_migrations` table
// are byte-for-byte what the native engine produces, so either engine can run on a given database.
//
// Plain JavaScript on purpose: it must run before anything is built, on any Node >= 20.
//
// Where the wasm engine + adapter-pg misbehave, this file corrects them (see shared/NOTES.md §1):
//   1. adapter-pg rejects Postgres' internal "char" type (OID 18) that the engine's introspection
//      selects from pg_catalog. It must reach the engine as a Character column: reported as Text,
//      introspection panics as soon as the database has a CHECK constraint.
//   2. adapter-pg's executeScript splits scripts on ';', which breaks `$$` function bodies and
//      applies a failing migration halfway; a script is sent as one simple-protocol query instead,
//      which Postgres runs as one implicit transaction.
//   3. adapter-pg's shadow database silently is the main database when configured with a URL
//      (pg lets the URL win over `database`), so a real temporary database is created and dropped.
//   4. createMigration/evaluateDataLoss only get shadow-database access after
//      diagnoseMigrationHistory ran on the same engine instance, and `diff` returns its script
//      instead of streaming it with a `print` request, which is where the CLI expects it.
// And what the wasm engine silently expects from its host:
//   - the adapter factory in the error-capturing form Prisma Client uses
//     (bindMigrationAwareSqlAdapterFactory); a plain adapter crashes on a `valueOf` of undefined;
//   - globalThis.PRISMA_WASM_PANIC_REGISTRY, where its panic hook leaves the message;
//   - nothing about the CLI's shutdown: the CLI closes stdin and sends SIGTERM at once, so
//     temporary shadow databases are also dropped on SIGTERM.

import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import pg from "pg";

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

// ---------------------------------------------------------------------------------------------
// Output channels. stdout carries only JSON-RPC; everything human goes to stderr as JSON lines
// in the shape the CLI parses (`fields.message`, `level`, `target`).

function writeStdout(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function logLine(level, message, extra = {}) {
  const line = {
    timestamp: new Date().toISOString(),
    level,
    fields: { message, ...extra },
    target: "schema_engine::logger",
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Arguments, in the form the CLI passes them:
//   --datamodels <file> (repeated)  --datasource '{"url":...}'  [--enabled-preview-features a,b]
//   [--extension-types json]  [cli <command>]  |  --version

function parseArgs(argv) {
  const args = { datamodels: [], datasource: undefined, cliCommand: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--version" || arg === "-V") args.version = true;
    else if (arg === "--datamodels") args.datamodels.push(argv[++i]);
    else if (arg === "--datasource") args.datasource = JSON.parse(argv[++i]);
    else if (arg === "--enabled-preview-features" || arg === "--extension-types") i++;
    else if (arg === "cli") args.cliCommand = argv[++i];
    else throw new Error(`schema-engine shim: unknown argument ${JSON.stringify(arg)}`);
  }
  return args;
}

const panicRegistry = {
  message: undefined,
  set_message(message) {
    this.message = message;
  },
};

// ---------------------------------------------------------------------------------------------
// The wasm module is instantiated by hand: the package's entry imports the .wasm file as an ES
// module, which needs Node's experimental wasm-modules support.

async function loadWasmEngine() {
  // The engine's panic hook reports the panic message here before trapping.
  globalThis.PRISMA_WASM_PANIC_REGISTRY = panicRegistry;
  const bindings = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const packageDir = dirname(fileURLToPath(import.meta.resolve("@prisma/schema-engine-wasm")));
  const bytes = await readFile(join(packageDir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bindings });
  bindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return bindings;
}

// ---------------------------------------------------------------------------------------------
// Database helpers (plain pg, for the things that happen outside the engine).

function databaseNameOf(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
}

function withDatabase(url, database) {
  const copy = new URL(url);
  copy.pathname = `/${encodeURIComponent(database)}`;
  return copy.toString();
}

function quoteIdent(name) {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Runs `fn` with a client on the server's maintenance database (the target may not exist yet). */
async function withMaintenanceClient(url, fn) {
  let lastError;
  for (const database of ["postgres", "template1"]) {
    const client = new pg.Client({ connectionString: withDatabase(url, database) });
    try {
      await client.connect();
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      if (error?.code === "3D000") continue;
      throw error;
    }
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw lastError;
}

/** Maps a pg/network error to the Prisma error code and message the CLI knows how to present. */
function prismaErrorFor(error, url) {
  const parsed = new URL(url);
  const where = `${parsed.hostname}:${parsed.port || "5432"}`;
  const database = databaseNameOf(url);
  switch (error?.code) {
    case "3D000":
      return {
        code: "P1003",
        message: `Database \`${database}\` does not exist on the database server at \`${where}\`.`,
      };
    case "28P01":
    case "28000":
      return {
        code: "P1000",
        message: `Authentication failed against database server at \`${where}\`: ${error.message}`,
      };
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EHOSTUNREACH":
    case "ETIMEDOUT":
      return { code: "P1001", message: `Can't reach database server at \`${where}\`.` };
    default:
      return { code: "P1000", message: String(error?.message ?? error) };
  }
}

// ---------------------------------------------------------------------------------------------
// The driver adapter handed to the wasm engine: adapter-pg, corrected (traps 1-3 above).

/**
 * adapter-pg throws on Postgres' one-byte "char" (OID 18), which the engine reads from pg_catalog
 * (constraint types, relkinds, ...) and then decodes as a Rust `char`. The column is let through
 * as text by pg, and reported to the engine as a Character column.
 */
function acceptPgChar(queryable) {
  const performIO = queryable.performIO.bind(queryable);
  const queryRaw = queryable.queryRaw.bind(queryable);
  // queryRaw(query) calls this.performIO(query) with the same object: that links the two calls.
  const charColumns = new WeakMap();
  queryable.performIO = async (query) => {
    const result = await performIO(query);
    const indexes = [];
    result.fields.forEach((field, index) => {
      if (field.dataTypeID !== PG_CHAR_OID) return;
      field.dataTypeID = PG_TEXT_OID;
      indexes.push(index);
    });
    if (indexes.length > 0) charColumns.set(query, indexes);
    return result;
  };
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumns.get(query) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

function harden(adapter) {
  const pool = adapter.underlyingDriver();
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  acceptPgChar(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => acceptPgChar(await startTransaction(isolationLevel));
  return adapter;
}

class ShimAdapterFactory {
  provider = "postgres";
  adapterName = "@prisma/adapter-pg";
  /** Shadow databases not dropped yet, so that an interrupted run can still clean up. */
  liveShadowDatabases = new Set();

  constructor(url, shadowServerUrl) {
    this.url = url;
    this.shadowServerUrl = shadowServerUrl ?? url;
  }

  async connect() {
    return harden(await new PrismaPg({ connectionString: this.url }).connect());
  }

  async connectToShadowDb() {
    const name = `prisma_shadow_${randomBytes(6).toString("hex")}`;
    await withMaintenanceClient(this.shadowServerUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
    this.liveShadowDatabases.add(name);
    const adapter = harden(
      await new PrismaPg({ connectionString: withDatabase(this.shadowServerUrl, name) }).connect(),
    );
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await this.dropShadowDatabase(name);
    };
    return adapter;
  }

  async dropShadowDatabase(name) {
    await withMaintenanceClient(this.shadowServerUrl, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
    );
    this.liveShadowDatabases.delete(name);
  }

  async dropAllShadowDatabases() {
    await Promise.allSettled([...this.liveShadowDatabases].map((name) => this.dropShadowDatabase(name)));
  }
}

// ---------------------------------------------------------------------------------------------
// `schema-engine cli <command>`: one-shot commands the CLI runs before starting the RPC server.
// Failures are reported the way the native binary does: JSON lines on stderr, the first of which
// the CLI skips, then an ERROR line carrying `error_code`, and exit status 1.

async function canConnect(url) {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => {});
  }
}

async function createDatabase(url) {
  const name = databaseNameOf(url);
  await withMaintenanceClient(url, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return name;
}

async function runCliCommand(command, url) {
  logLine("INFO", `Running schema-engine cli ${command} (wasm shim)`);
  try {
    if (command === "can-connect-to-database") {
      await canConnect(url);
      process.stdout.write("Connection successful\n");
    } else if (command === "create-database") {
      const name = await createDatabase(url);
      process.stdout.write(`Database '${name}' was successfully created.\n`);
    } else {
      throw Object.assign(new Error(`Unsupported cli command: ${command}`), { code: "unsupported" });
    }
    return 0;
  } catch (error) {
    const { code, message } = prismaErrorFor(error, url);
    logLine("ERROR", message, { error_code: code });
    return 1;
  }
}

// ---------------------------------------------------------------------------------------------
// The JSON-RPC server.

/** Methods whose CLI name differs from the wasm engine's. */
const METHOD_ALIASES = { getDatabaseVersion: "version" };

/** The wasm engine throws user-facing errors as JSON strings; recover their structure. */
function rpcErrorFrom(error) {
  if (error instanceof WebAssembly.RuntimeError && panicRegistry.message !== undefined) {
    const message = panicRegistry.message;
    panicRegistry.message = undefined;
    return {
      code: 4466,
      message: "The schema engine panicked.",
      data: { is_panic: true, message, meta: { full_error: message }, error_code: undefined, backtrace: error.stack },
    };
  }
  const raw = error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error);
  let parsed;
  try {
    parsed = typeof error === "object" && error !== null && !(error instanceof Error) ? error : JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const data =
    parsed && typeof parsed === "object"
      ? {
          is_panic: Boolean(parsed.is_panic),
          message: parsed.message ?? raw,
          meta: parsed.meta ?? null,
          error_code: parsed.error_code ?? undefined,
          backtrace: parsed.backtrace ?? undefined,
        }
      : { is_panic: false, message: raw, meta: null };
  return { code: 4466, message: "An error happened. Check the data field for details.", data };
}

class RpcServer {
  pendingPrints = new Map();
  nextOutgoingId = 1;

  constructor(engine) {
    this.engine = engine;
  }

  /** Sends a `print` request to the CLI (it writes the content to its own stdout) and waits for the ack. */
  print(content) {
    const id = `shim-print-${this.nextOutgoingId++}`;
    return new Promise((resolve) => {
      this.pendingPrints.set(id, resolve);
      writeStdout({ jsonrpc: "2.0", method: "print", params: { content }, id });
    });
  }

  async call(method, params) {
    const name = METHOD_ALIASES[method] ?? method;
    if (typeof this.engine[name] !== "function") {
      throw JSON.stringify({ message: `Method not supported by the wasm schema engine: ${method}`, is_panic: false });
    }
    if (method === "createMigration" || method === "evaluateDataLoss") {
      // Trap 4: the wasm engine wires up its shadow database during diagnoseMigrationHistory.
      await this.engine.diagnoseMigrationHistory({
        migrationsList: params.migrationsList,
        optInToShadowDatabase: true,
        filters: params.filters ?? { externalTables: [], externalEnums: [] },
      });
    }
    if (method === "diff") {
      const result = await this.engine.diff(params);
      if (result.stdout !== null && result.stdout !== undefined) await this.print(result.stdout);
      return { exitCode: result.exitCode };
    }
    const result = await this.engine[name](params ?? undefined);
    return result === undefined ? {} : result;
  }

  async handleLine(line) {
    if (!line.trim()) return;
    const message = safeParse(line);
    if (message === undefined) {
      writeStdout({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
      return;
    }
    if (message.method === undefined && this.pendingPrints.has(message.id)) {
      this.pendingPrints.get(message.id)();
      this.pendingPrints.delete(message.id);
      return;
    }
    try {
      const result = await this.call(message.method, message.params);
      writeStdout({ jsonrpc: "2.0", id: message.id, result });
    } catch (error) {
      writeStdout({ jsonrpc: "2.0", id: message.id, error: rpcErrorFrom(error) });
    }
  }

  async serve() {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    // Requests are handled one at a time, in order: the engine is single-threaded and the CLI
    // never pipelines, but a `print` acknowledgement must get through while a request waits.
    let queue = Promise.resolve();
    for await (const line of lines) {
      const parsed = safeParse(line);
      if (parsed && parsed.method === undefined && this.pendingPrints.has(parsed.id)) {
        await this.handleLine(line);
      } else {
        queue = queue.then(() => this.handleLine(line));
      }
    }
    await queue;
  }
}

function safeParse(line) {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const url = args.datasource?.url;
  // `cli` commands only need pg; compiling the 5 MB engine is skipped for them.
  if (args.cliCommand) {
    if (!url) throw new Error("schema-engine shim: `cli` commands need --datasource with a url");
    return runCliCommand(args.cliCommand, url);
  }

  const wasm = await loadWasmEngine();
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${wasm.version()}\n`);
    return 0;
  }

  const datamodels = await Promise.all(args.datamodels.map(async (path) => [path, await readFile(path, "utf8")]));
  // The engine expects the error-capturing form (results as {ok, value}), as Prisma Client does.
  const factory = url ? new ShimAdapterFactory(url, args.datasource?.shadowDatabaseUrl) : undefined;
  if (factory) shadowCleanup = () => factory.dropAllShadowDatabases();
  const adapterFactory = factory ? bindMigrationAwareSqlAdapterFactory(factory) : undefined;
  const logFn = (entry) =>
    process.stderr.write(`${(typeof entry === "string" ? entry : JSON.stringify(entry)).trimEnd()}\n`);
  const engine = await wasm.SchemaEngine.new(
    { datamodels: datamodels.length > 0 ? datamodels : undefined },
    logFn,
    adapterFactory,
  );
  await new RpcServer(engine).serve();
  return 0;
}

/** Set once the engine is up, so every way out can drop temporary shadow databases. */
let shadowCleanup = async () => {};

async function exitAfterCleanup(code) {
  await shadowCleanup().catch(() => {});
  process.exit(code);
}

// The CLI ends a session by closing stdin and sending SIGTERM right away.
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => void exitAfterCleanup(0));

// A panic inside an engine callback traps outside any request's promise; report it the way the
// native engine does (an ERROR log line with the panic message, exit status 101) instead of a bare
// "unreachable".
process.on("uncaughtException", (error) => {
  const panicked = panicRegistry.message !== undefined;
  const message = panicRegistry.message ?? (error instanceof Error ? (error.stack ?? error.message) : String(error));
  logLine("ERROR", message, { is_panic: panicked });
  void exitAfterCleanup(panicked ? 101 : 1);
});

main().then(
  (code) => exitAfterCleanup(code),
  (error) => {
    logLine("ERROR", error instanceof Error ? (error.stack ?? error.message) : String(error));
    return exitAfterCleanup(1);
  },
);
