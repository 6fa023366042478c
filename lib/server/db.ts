import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/generated/prisma/client";
import { databaseUrl, serverEnv } from "./env";

// The only place a PrismaClient is made: everything else imports `db` from here.
// Next's dev server re-evaluates modules on edits, so the instance is parked on globalThis
// to avoid opening a new pool each time. The URL is read at first use, not at import,
// so that `next build` can import pages without a database.
//
// The pg pool is ours and handed to the adapter, so that the rate limiter (rate-limiter-flexible,
// which speaks pg) shares this process's connections instead of opening a second pool.
const globalForPrisma = globalThis as unknown as { catwalkPrisma?: PrismaClient; catwalkPool?: pg.Pool };

function createClient(): PrismaClient {
  const env = serverEnv();
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: env.CATWALK_DB_POOL_SIZE });
  globalForPrisma.catwalkPool = pool;
  const adapter = new PrismaPg(pool);
  // Query events cost a little on every query, so they are on only where something counts them
  // (the N+1 tests). Prisma's `$on("query")` does work with driver adapters in 7.x.
  if (env.CATWALK_QUERY_EVENTS) {
    const client = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
    client.$on("query", (event) => {
      for (const listener of queryListeners) listener(event.query);
    });
    return client;
  }
  return new PrismaClient({ adapter });
}

const queryListeners = new Set<(sql: string) => void>();

/**
 * Runs `fn` and returns the SQL statements the shared client sent meanwhile. Needs
 * CATWALK_QUERY_EVENTS=1 before the client is first used; concurrent work is counted too.
 */
export async function recordQueries<T>(fn: () => Promise<T>): Promise<{ value: T; queries: string[] }> {
  if (!serverEnv().CATWALK_QUERY_EVENTS)
    throw new Error("Set CATWALK_QUERY_EVENTS=1 before the database is first used.");
  const queries: string[] = [];
  const listener = (sql: string) => queries.push(sql);
  queryListeners.add(listener);
  try {
    return { value: await fn(), queries };
  } finally {
    queryListeners.delete(listener);
  }
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    globalForPrisma.catwalkPrisma ??= createClient();
    const value = Reflect.get(globalForPrisma.catwalkPrisma, property);
    return typeof value === "function" ? value.bind(globalForPrisma.catwalkPrisma) : value;
  },
});

/** The pg pool under `db`, for libraries that speak pg themselves (the rate limiter). */
export function dbPool(): pg.Pool {
  globalForPrisma.catwalkPrisma ??= createClient();
  return globalForPrisma.catwalkPool!;
}

export async function disconnectDb(): Promise<void> {
  const pool = globalForPrisma.catwalkPool;
  await globalForPrisma.catwalkPrisma?.$disconnect();
  globalForPrisma.catwalkPrisma = undefined;
  globalForPrisma.catwalkPool = undefined;
  // The adapter leaves a pool it was given open; the limiter may have used it without Prisma.
  if (pool && !pool.ended) await pool.end();
}
