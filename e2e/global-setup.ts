import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createTestDatabase } from "../tests/helpers/database";

const PORT = Number(process.env.E2E_PORT ?? 3100);

async function waitForServer(url: string, timeoutMs: number, exited: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit) throw new Error(`next start exited before answering: ${exit}`);
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
  const database = await createTestDatabase();
  const server = spawn("npx", ["next", "start", "-H", "127.0.0.1", "-p", String(PORT)], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      AUTH_SECRET: process.env.AUTH_SECRET ?? "e2e-only-secret-0123456789abcdef0123456789",
      AUTH_TRUST_HOST: "true",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  let exitInfo: string | null = null;
  server.on("exit", (code, signal) => (exitInfo = `code ${code}, signal ${signal}`));
  try {
    await waitForServer(`http://127.0.0.1:${PORT}/`, 60_000, () => exitInfo);
  } catch (error) {
    if (!exitInfo) process.kill(-server.pid!, "SIGTERM");
    await database.drop();
    throw error;
  }
  return async () => {
    if (!exitInfo) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      process.kill(-server.pid!, "SIGTERM");
      await exited;
    }
    await database.drop();
  };
}
