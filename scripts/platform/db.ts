// Database chores against the same database `npm start` would use (DATABASE_URL, or the embedded
// server, started for the duration of the command):
//
//   npm run db:migrate                    apply pending migrations (prisma migrate deploy)
//   npm run db:migrate:dev [-- --name x]  create a migration from schema changes (prisma migrate dev)
//   npm run seed                          the demo class and accounts (scripts/seed.ts)
//
// `migrate dev` refuses destructive changes without a terminal (Prisma's own rule); where there is
// none, write such a migration's SQL with
//   npm run prisma -- migrate diff --from-migrations prisma/migrations --to-schema prisma/schema.prisma --script

import { runPrisma } from "../prisma/run.mjs";
import { resolveDatabase } from "./database";
import { migrateDeploy } from "./migrations";
import { defaultLogger } from "./paths";
import { onShutdownSignal } from "./processes";

type Command = (url: string, args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  migrate: async (url) => {
    await migrateDeploy(url);
    return 0;
  },
  // Interactive (it may ask for a name or confirmation), so it gets the terminal.
  "migrate-dev": (url, args) => runPrisma(["migrate", "dev", ...args], { env: { ...process.env, DATABASE_URL: url } }),
  seed: async (url) => {
    await migrateDeploy(url);
    process.env.DATABASE_URL = url;
    const { seedAndReport } = await import("../seed");
    await seedAndReport();
    return 0;
  },
};

async function main(): Promise<number> {
  const [name = "", ...args] = process.argv.slice(2);
  const command = commands[name];
  if (!command) {
    defaultLogger(`Unknown command ${JSON.stringify(name)}; expected one of: ${Object.keys(commands).join(", ")}.`);
    return 2;
  }
  const database = await resolveDatabase();
  // The embedded server lives in its own process group, so Ctrl-C must stop it explicitly.
  onShutdownSignal(() => void database.stop().then(() => process.exit(130)), defaultLogger);
  try {
    return await command(database.url, args);
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    defaultLogger(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
