import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "../tests/helpers/database";
import { spawnWorker } from "../tests/helpers/worker-process";
import { isCanary, parseReportLines } from "./csp";
import { E2E_LIMITS, E2E_TRUSTED_PROXY } from "./helpers";

const PORT = Number(process.env.E2E_PORT ?? 3100);
/** The committed 2,000 + 1,000 image subset: a submission trains on it in seconds. */
const FIXTURE_DIR = fileURLToPath(new URL("../trainer/fixtures/fashion-mnist", import.meta.url));
/** The web server's output, also echoed: e2e/csp.ts reads the CSP reports the server logged from it. */
const SERVER_LOG = fileURLToPath(new URL("./artifacts/next-server.log", import.meta.url));

/** A real trainer worker on the e2e database, in its own process group (stopped with a group signal). */
async function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const { child } = await spawnWorker({ env, readyTimeoutMs: 90_000, detached: true });
  // Keep echoing the worker's log after start-up: a failed training run is easier to read then.
  child.stdout!.on("data", (chunk) => process.stdout.write(chunk));
  child.stderr!.on("data", (chunk) => process.stderr.write(chunk));
  return child;
}

async function waitForServer(url: string, timeoutMs: number, exited: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit) throw new Error(`the web server exited before answering: ${exit}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export default async function globalSetup() {
  if (!existsSync(".next/BUILD_ID")) {
    throw new Error("No production build: run `npm run build` first (npm test does).");
  }
  // A server left over from another run on this port would answer instead of ours, and the specs
  // would test its (older) code without a word: refuse to start.
  if (
    await fetch(`http://127.0.0.1:${PORT}/`).then(
      () => true,
      () => false,
    )
  ) {
    throw new Error(
      `Something already answers on 127.0.0.1:${PORT} (a web server left from another run?): stop it, or set E2E_PORT.`,
    );
  }
  const database = await createTestDatabase();
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    AUTH_SECRET: process.env.AUTH_SECRET ?? "e2e-only-secret-0123456789abcdef0123456789",
    AUTH_TRUST_HOST: "true",
    NEXT_TELEMETRY_DISABLED: "1",
    // The web app renders gallery images from the same test file the worker scores on.
    FASHION_MNIST_DIR: FIXTURE_DIR,
    // Loopback's 127.0.0.1 plays a proxy in front of the app (browser contexts send the
    // X-Forwarded-For it would add); other loopback addresses are untrusted direct clients.
    CATWALK_TRUSTED_PROXIES: E2E_TRUSTED_PROXY,
    // Small sign-in limits (defaults 5 and 100) so the specs reach them in a few attempts.
    CATWALK_RATE_SIGNIN_FREE_FAILURES: String(E2E_LIMITS.freeFailures),
    CATWALK_RATE_SIGNIN_FAILURES_PER_ADDRESS_PER_DAY: String(E2E_LIMITS.failuresPerAddress),
    // Every CSP report is a log line (the default budget is 30 a minute): the log is the evidence.
    CATWALK_CSP_REPORT_LOG_PER_MINUTE: "10000",
  };
  mkdirSync(fileURLToPath(new URL("./artifacts/", import.meta.url)), { recursive: true });
  const log = createWriteStream(SERVER_LOG);
  process.env.E2E_SERVER_LOG = SERVER_LOG;
  // The platform's own web server (what `npm start` runs), not `next start`: it hands the app each
  // request's socket address, which the forwarded-for and sign-in specs depend on.
  const server = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/platform/web-server.ts", "-H", "127.0.0.1", "-p", String(PORT)],
    // `next start` sets NODE_ENV itself; a custom server is told (React's production build).
    { env: { ...env, NODE_ENV: "production" as const }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  server.stdout!.on("data", (chunk) => {
    process.stdout.write(chunk);
    log.write(chunk);
  });
  server.stderr!.on("data", (chunk) => {
    process.stderr.write(chunk);
    log.write(chunk);
  });
  let exitInfo: string | null = null;
  server.on("exit", (code, signal) => (exitInfo = `code ${code}, signal ${signal}`));
  let worker: ChildProcess | null = null;
  const stopWorker = async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((resolve) => worker!.once("exit", resolve));
      process.kill(-worker.pid!, "SIGTERM");
      await exited;
    }
  };
  try {
    [worker] = await Promise.all([
      startWorker(env),
      waitForServer(`http://127.0.0.1:${PORT}/`, 60_000, () => exitInfo),
    ]);
  } catch (error) {
    if (!exitInfo) process.kill(-server.pid!, "SIGTERM");
    await stopWorker().catch(() => undefined);
    await database.drop();
    log.end();
    throw error;
  }
  return async () => {
    await stopWorker();
    if (!exitInfo) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      process.kill(-server.pid!, "SIGTERM");
      await exited;
    }
    await database.drop();
    await new Promise((resolve) => log.end(resolve));
    // Any page any spec opened that broke the policy fails the run (csp.spec.ts's canary aside).
    const violations = parseReportLines(readFileSync(SERVER_LOG, "utf8")).filter((v) => !isCanary(v));
    if (violations.length > 0) {
      throw new Error(
        `The server received ${violations.length} CSP violation reports:\n${violations.map((v) => JSON.stringify(v)).join("\n")}`,
      );
    }
  };
}
