// `npm start` as a child process, for tests of the whole platform: the real start-up script, with
// DATABASE_URL unset (so an embedded PostgreSQL in a throwaway cluster), on a port of the test's
// choosing. It builds the web app first if there is no current build, which takes a while.
//
//   const platform = await startPlatform({ port: 3111 });
//   const response = await fetch(`${platform.baseUrl}/api/graphql`, ...);
//   const { code, output } = await platform.stop();   // SIGTERM, as a process manager would

import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SERVER_NODE_ARGS } from "../../lib/node-args";
import { projectRoot } from "../../scripts/platform/paths";
import { exited, forwardLines, settlesWithin } from "../../scripts/platform/processes";

export interface RunningPlatform {
  baseUrl: string;
  /** The embedded cluster's directory, to check that nothing of it keeps running. */
  clusterDirectory: string;
  /** Everything the platform printed so far. */
  output: string[];
  stop(): Promise<{ code: number | null; output: string[] }>;
}

export interface StartPlatformOptions {
  port: number;
  /** How long start-up (including a first `next build`) may take. */
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
}

export async function startPlatform(options: StartPlatformOptions): Promise<RunningPlatform> {
  const root = await mkdtemp(join(tmpdir(), "catwalk-platform-"));
  // As root the server runs as `postgres`, which must be able to enter the directory.
  await chmod(root, 0o755);
  const clusterDirectory = join(root, "postgres");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    PORT: String(options.port),
    HOSTNAME: "127.0.0.1",
    CATWALK_EMBEDDED_PG_DIR: clusterDirectory,
  };
  delete env.DATABASE_URL;

  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, join(projectRoot, "scripts", "platform", "start.ts")], {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const up = new Promise<void>((resolve) =>
    forwardLines(child, (line) => {
      output.push(line);
      if (line.includes("Catwalk is up")) resolve();
    }),
  );
  const done = exited(child);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const status = await done;
    await rm(root, { recursive: true, force: true });
    return { code: status.code, output };
  };

  const started = await settlesWithin(Promise.race([up, done]), options.timeoutMs ?? 300_000);
  if (!started || child.exitCode !== null) {
    await stop();
    throw new Error(`The platform did not come up:\n${output.slice(-40).join("\n")}`);
  }
  return { baseUrl: `http://127.0.0.1:${options.port}`, clusterDirectory, output, stop };
}
