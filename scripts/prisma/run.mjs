#!/usr/bin/env node
// `npm run prisma -- <args>`: the Prisma CLI, with a schema engine it can actually run.
//
// On a machine where Prisma's native schema engine was downloaded into node_modules, the CLI
// uses it as usual. Everywhere else (offline machines, or installs that deny Prisma's download
// script) PRISMA_SCHEMA_ENGINE_BINARY points at our wasm-engine shim. The choice looks only at
// the file system, never the network, so the same machine always makes the same choice.
// package.json's allowScripts denies the install scripts of `prisma` and `@prisma/engines`: their
// engine download fails silently where Prisma's binary host is unreachable.
//
// Plain JavaScript: it runs from `postinstall`, before anything is built.

import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const shimPath = join(projectRoot, "scripts", "prisma", "schema-engine.mjs");
const prismaCli = join(projectRoot, "node_modules", "prisma", "build", "index.js");

/** Where Prisma's download step leaves `schema-engine-<platform>` binaries. */
const NATIVE_ENGINE_DIRS = [
  join(projectRoot, "node_modules", "@prisma", "engines"),
  join(projectRoot, "node_modules", "prisma"),
];

function findNativeEngine() {
  for (const dir of NATIVE_ENGINE_DIRS) {
    if (!existsSync(dir)) continue;
    const binary = readdirSync(dir).find(
      (name) => /^schema-engine-/.test(name) && !/\.(gz|sha256|sig|tmp)$/.test(name),
    );
    if (binary) return join(dir, binary);
  }
  return undefined;
}

/** The environment for the Prisma CLI; an engine the user chose explicitly always wins. */
export function prismaEnv(baseEnv = process.env) {
  if (baseEnv.PRISMA_SCHEMA_ENGINE_BINARY || findNativeEngine()) return { ...baseEnv };
  return {
    ...baseEnv,
    PRISMA_SCHEMA_ENGINE_BINARY: shimPath,
    // Never try to fetch engines or report telemetry from here: the shim needs neither.
    PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: "1",
    CHECKPOINT_DISABLE: "1",
  };
}

/** How to spawn the Prisma CLI with `args` (for callers that want to handle its output). */
export function prismaInvocation(args, env = process.env) {
  return { command: process.execPath, args: [prismaCli, ...args], env: prismaEnv(env), cwd: projectRoot };
}

/** Runs the Prisma CLI with `args`, resolving with its exit code. */
export function runPrisma(args, { env = process.env, stdio = "inherit", cwd = projectRoot } = {}) {
  return new Promise((resolve, reject) => {
    const invocation = prismaInvocation(args, env);
    const child = spawn(invocation.command, invocation.args, { cwd, env: invocation.env, stdio });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0)));
  });
}

const invokedDirectly = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  process.exitCode = await runPrisma(process.argv.slice(2));
}
