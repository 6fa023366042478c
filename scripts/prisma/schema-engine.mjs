#!/usr/bin/env node

// A stand-in for Prisma's native `schema-engine` binary, for machines that cannot download it.
//
// How it works. The Prisma CLI spawns whatever PRISMA_SCHEMA_ENGINE_BINARY points at (run.mjs
// points it here only where no native engine was downloaded) and talks JSON-RPC 2.0 to it: one
// request per line on stdin, one response per line on stdout, JSON log lines on stderr. Prisma
// publishes the very same engine compiled to WebAssembly (@prisma/schema-engine-wasm, pinned to
// the build whose .wasm is byte-identical to the one inside our `prisma` version: upgrade the two
// together), but Prisma 7 has no setting to use it. So this script builds it with
// `SchemaEngine.new({ datamodels }, logFn, adapterFactory)` and answers each RPC method with the
// engine's method of the same name (schema-engine/rpc.mjs); `--version`, `cli
// can-connect-to-database` and `cli create-database` it answers itself (schema-engine/cli.mjs).
// The wasm engine reaches the database through a driver adapter instead of its own drivers: here
// @prisma/adapter-pg (schema-engine/adapter.mjs). Migrations and the `_prisma_migrations` table
// (sha256 checksums) are byte-for-byte what the native engine produces, so either engine can run
// on a given database.
//
// Plain JavaScript on purpose: it must run before anything is built, on any Node >= 20.
//
// Four traps of the wasm engine + adapter-pg, each seen, each corrected here:
//   1. adapter-pg rejects Postgres' internal "char" type (OID 18) that the engine's introspection
//      selects from pg_catalog. It must reach the engine as a Character column: reported as Text,
//      introspection panics as soon as the database has a CHECK constraint.
//   2. adapter-pg's executeScript splits scripts on ';', which breaks `$$` function bodies and
//      applies a failing migration halfway; a script is sent as one simple-protocol query instead,
//      which Postgres runs as one implicit transaction.
//   3. adapter-pg's shadow database silently is the main database when configured with a URL
//      (pg lets the URL win over `database`), so a real temporary database is created and dropped
//      (the role needs CREATEDB).
//   4. createMigration/evaluateDataLoss only get shadow-database access after
//      diagnoseMigrationHistory ran on the same engine instance, and `diff` returns its script
//      instead of streaming it with a `print` request, which is where the CLI expects it.
// And what the wasm engine silently expects from its host:
//   - the adapter factory in the error-capturing form Prisma Client uses
//     (bindMigrationAwareSqlAdapterFactory); a plain adapter crashes on a `valueOf` of undefined;
//   - globalThis.PRISMA_WASM_PANIC_REGISTRY, where its panic hook leaves the message (without it a
//     panic shows only as "unreachable" and the CLI exits 0);
//   - nothing about the CLI's shutdown: the CLI closes stdin and sends SIGTERM at once, so
//     temporary shadow databases are also dropped on SIGTERM.

import { readFile } from "node:fs/promises";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { ShimAdapterFactory } from "./schema-engine/adapter.mjs";
import { runCliCommand } from "./schema-engine/cli.mjs";
import { logLine } from "./schema-engine/output.mjs";
import { RpcServer } from "./schema-engine/rpc.mjs";
import { loadWasmEngine, panicRegistry } from "./schema-engine/wasm.mjs";

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
