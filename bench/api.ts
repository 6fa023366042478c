// npm run bench:api — the graders' API under load, against `next start` on loopback.
//
// Seeds a fresh database with a class of 200 students × 20 succeeded submissions, starts the
// built app (`next build` first when .next is missing), then drives each scenario with 50
// concurrent clients (keep-alive fetch loops, one request in flight each) for a fixed time,
// after a warm-up. Writes throughput and p50/p90/p99 latency to bench/results/api.json.
//
// The load generator runs on the same 2-core machine as Next and Postgres, so the numbers are
// for the whole box, not the server alone; they are comparable run to run on this machine.

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "../tests/helpers/database";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2_000);
const MAX_REQUESTS = 200_000; // a hard bound per scenario, whatever the speed
const PORT = Number(process.env.BENCH_PORT ?? 3107);
const root = join(import.meta.dirname, "..");

interface Scenario {
  name: string;
  token: "grader" | "student";
  query: string;
  variables: Record<string, unknown>;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: "inherit" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}`))));
  });
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ __typename }"}' });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("next start did not answer within 60 s");
}

async function drive(url: string, token: string, scenario: Scenario, durationMs: number) {
  const body = JSON.stringify({ query: scenario.query, variables: scenario.variables });
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const stopAt = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < stopAt && issued < MAX_REQUESTS) {
        issued++;
        const t0 = performance.now();
        try {
          const res = await fetch(url, { method: "POST", headers, body });
          const json = (await res.json()) as { errors?: unknown };
          if (!res.ok || json.errors) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds: round(elapsed / 1000),
    requestsPerSecond: round(latencies.length / (elapsed / 1000), 1),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p90: round(percentile(latencies, 90)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? NaN),
    },
  };
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  let server: ChildProcess | undefined;
  try {
    process.env.DATABASE_URL = database.url;
    // Imported after DATABASE_URL is set: the shared client reads it on first use.
    const { db, disconnectDb } = await import("../lib/server/db");
    const { seedLargeClass } = await import("../scripts/bench/large-class");
    const { createApiToken } = await import("../lib/server/services/tokens");
    const seedStart = performance.now();
    const klass = await seedLargeClass(db, { students: 200, perStudent: 20 });
    const seedMs = Math.round(performance.now() - seedStart);
    const session = (userId: string) => ({ kind: "user" as const, via: "session" as const, userId });
    const tokens = {
      grader: (await createApiToken(session(klass.ownerId), { name: "bench grader" })).token,
      student: (await createApiToken(session(klass.studentIds[0]!), { name: "bench student" })).token,
    };
    await disconnectDb();

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      AUTH_SECRET: process.env.AUTH_SECRET ?? "bench-only-secret-0123456789abcdef0123456789",
      AUTH_TRUST_HOST: "true",
      NODE_ENV: "production" as const,
    };
    if (!existsSync(join(root, ".next", "BUILD_ID"))) await run("npx", ["next", "build"], env);
    const child = spawn("npx", ["next", "start", "-H", "127.0.0.1", "-p", String(PORT)], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"], detached: true });
    server = child;
    const url = `http://127.0.0.1:${PORT}/api/graphql`;
    await waitForServer(url, child);

    const scenarios: Scenario[] = [
      {
        // Baseline, side by side: the same stack (HTTP, Apollo, Bearer lookup) with one tiny query.
        name: "baseline: me (token lookup only)",
        token: "grader",
        query: `{ me { id } }`,
        variables: {},
      },
      {
        name: "leaderboard (grader, best per student, 200 rows)",
        token: "grader",
        query: `query($s: String!) { leaderboard(classSlug: $s) { rank submissionId submissionName student { id name } publicAccuracy privateAccuracy paramCount epochs trainDurationMs submittedAt } }`,
        variables: { s: klass.slug },
      },
      {
        name: "leaderboard (student, best per student, 200 rows)",
        token: "student",
        query: `query($s: String!) { leaderboard(classSlug: $s) { rank submissionName student { name } publicAccuracy privateAccuracy paramCount } }`,
        variables: { s: klass.slug },
      },
      {
        name: "searchSubmissions (grader, 25 per page with results)",
        token: "grader",
        query: `query($s: String!) { searchSubmissions(classSlug: $s, first: 25) { totalCount endCursor nodes { id name status createdAt author { name } result { testAccuracy publicAccuracy privateAccuracy paramCount } } } }`,
        variables: { s: klass.slug },
      },
    ];
    const results = [];
    for (const scenario of scenarios) {
      await drive(url, tokens[scenario.token], scenario, WARMUP_MS);
      const measured = await drive(url, tokens[scenario.token], scenario, DURATION_MS);
      console.log(`${scenario.name}: ${measured.requestsPerSecond} req/s, p50 ${measured.latencyMs.p50} ms, p99 ${measured.latencyMs.p99} ms, errors ${measured.errors}`);
      results.push({ scenario: scenario.name, ...measured });
    }
    const leaderboardP99 = results[1]!.latencyMs.p99;
    const report = {
      benchmark: "api",
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", loadavg1m: round(loadavg()[0]!), node: process.version },
      setup: { students: 200, submissionsPerStudent: 20, seedMs, concurrency: CONCURRENCY, durationMs: DURATION_MS, warmupMs: WARMUP_MS, server: "next start (production build), loopback", client: "fetch loops in one Node process on the same machine" },
      target: { leaderboardP99Ms: 50, met: leaderboardP99 < 50 },
      results,
    };
    await mkdir(join(root, "bench", "results"), { recursive: true });
    await writeFile(join(root, "bench", "results", "api.json"), JSON.stringify(report, null, 2) + "\n");
    console.log(`wrote bench/results/api.json (leaderboard p99 ${leaderboardP99} ms; target 50 ms ${report.target.met ? "met" : "NOT met"})`);
  } finally {
    if (server?.pid) {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
