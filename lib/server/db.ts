import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";

// The only place a PrismaClient is made: everything else imports `db` from here.
// Next's dev server re-evaluates modules on edits, so the instance is parked on globalThis
// to avoid opening a new pool each time. The URL is read at first use, not at import,
// so that `next build` can import pages without a database.
const globalForPrisma = globalThis as unknown as { catwalkPrisma?: PrismaClient };

function createClient(): PrismaClient {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set: start the platform with `npm start`, or set it.");
  }
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }) });
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    globalForPrisma.catwalkPrisma ??= createClient();
    const value = Reflect.get(globalForPrisma.catwalkPrisma, property);
    return typeof value === "function" ? value.bind(globalForPrisma.catwalkPrisma) : value;
  },
});

export async function disconnectDb(): Promise<void> {
  await globalForPrisma.catwalkPrisma?.$disconnect();
  globalForPrisma.catwalkPrisma = undefined;
}
