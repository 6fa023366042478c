// `schema-engine cli <command>`: one-shot commands the CLI runs before starting the RPC server.
// Failures are reported the way the native binary does: JSON lines on stderr, the first of which
// the CLI skips, then an ERROR line carrying `error_code`, and exit status 1.

import pg from "pg";
import { logLine } from "./output.mjs";
import { databaseNameOf, quoteIdent, withMaintenanceClient } from "./postgres.mjs";

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

export async function runCliCommand(command, url) {
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
