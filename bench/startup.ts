// npm run bench:startup — how long the database part of `npm start` takes, cold and warm.
//
// Cold: a new embedded cluster (initdb, start, create database) plus the first migration through
// the Prisma CLI. Warm: the same cluster started again, with the migrations-current quick check.
// Also measured side by side in the same run: a no-op `prisma migrate deploy` through the CLI, the
// cost the quick check avoids on every warm start. Writes bench/results/startup.json.

import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { resolveDatabase } from "../scripts/platform/database";
import { migrateDeploy } from "../scripts/platform/migrations";
import { projectRoot } from "../scripts/platform/paths";
import { runPrismaCli } from "../scripts/platform/prisma-cli";

const WARM_RUNS = 5;
const quiet = () => {};

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, Math.round(performance.now() - started)];
}

async function cliDeploy(url: string): Promise<void> {
  const status = await runPrismaCli(["migrate", "deploy"], { ...process.env, DATABASE_URL: url }, quiet);
  if (status.code !== 0) throw new Error(`prisma migrate deploy exited ${status.code}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "catwalk-bench-"));
  await chmod(root, 0o755);
  const directory = join(root, "postgres");
  const env = { ...process.env, DATABASE_URL: undefined };
  try {
    const [cold, coldStartMs] = await timed(() => resolveDatabase({ env, embeddedDirectory: directory, log: quiet }));
    const [, coldMigrateMs] = await timed(() => migrateDeploy(cold.url, quiet));
    const [, cliNoopMs] = await timed(() => cliDeploy(cold.url));
    await cold.stop();

    const warm: { startMs: number; migrateMs: number; stopMs: number }[] = [];
    for (let run = 0; run < WARM_RUNS; run++) {
      const [db, startMs] = await timed(() => resolveDatabase({ env, embeddedDirectory: directory, log: quiet }));
      const [, migrateMs] = await timed(() => migrateDeploy(db.url, quiet));
      const [, stopMs] = await timed(() => db.stop());
      warm.push({ startMs, migrateMs, stopMs });
    }

    const warmMigrateMedian = median(warm.map((run) => run.migrateMs));
    const result = {
      benchmark: "startup",
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, loadAverage1m: Number(loadavg()[0]!.toFixed(2)), node: process.version },
      cold: { startMs: coldStartMs, migrateMs: coldMigrateMs, totalMs: coldStartMs + coldMigrateMs },
      warm: {
        runs: warm,
        medianStartMs: median(warm.map((run) => run.startMs)),
        medianMigrateMs: warmMigrateMedian,
        medianTotalMs: median(warm.map((run) => run.startMs + run.migrateMs)),
      },
      noopDeployThroughCliMs: cliNoopMs,
      quickCheckSpeedup: Number((cliNoopMs / Math.max(warmMigrateMedian, 1)).toFixed(1)),
    };
    await mkdir(join(projectRoot, "bench", "results"), { recursive: true });
    await writeFile(join(projectRoot, "bench", "results", "startup.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
