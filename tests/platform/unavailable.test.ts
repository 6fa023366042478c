// Which errors count as "the database is out of reach" (lib/server/unavailable.ts), on errors the
// real clients raise: Prisma through adapter-pg and node-postgres against a port nothing listens
// on, and against the test database for errors that are not outages. The fault tests
// (tests/faults) cover the stops and restarts themselves.

import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/generated/prisma/client";
import { formStateFromError } from "@/lib/server/action-state";
import { db } from "@/lib/server/db";
import { asAppError, isDatabaseUnavailable } from "@/lib/server/unavailable";
import { anyFreePort } from "../../scripts/platform/ports";
import { makeUser } from "../helpers/fixtures";

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected it to fail");
}

const closed: PrismaClient[] = [];
afterAll(async () => {
  for (const client of closed) await client.$disconnect();
});

describe("a database outage, as the clients report it", () => {
  it("is recognised from Prisma (queries, raw SQL, transactions) and from node-postgres", async () => {
    const url = `postgresql://postgres@127.0.0.1:${await anyFreePort()}/nothing`;
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    closed.push(prisma);
    const errors = [
      await caught(() => prisma.user.findMany({ select: { id: true } })),
      await caught(() => prisma.$queryRaw`SELECT 1`),
      await caught(() => prisma.$transaction(async (tx) => tx.user.count())),
      await caught(() => new pg.Client({ connectionString: url }).connect()),
    ];
    for (const error of errors) expect(isDatabaseUnavailable(error)).toBe(true);
    expect(asAppError(errors[0])).toMatchObject({ code: "UNAVAILABLE" });
    // A server action keeps what was typed and says to try again, not "something went wrong".
    expect(formStateFromError(errors[0], { name: "My CNN" })).toEqual({
      error: expect.stringMatching(/briefly unavailable.*Try again in 5 seconds/),
      fieldErrors: {},
      values: { name: "My CNN" },
    });
  });

  it("is not claimed for errors of a database that answers", async () => {
    const user = await makeUser("Unique Person");
    const duplicate = await caught(() =>
      db.user.create({ data: { email: user.email, name: "Again", passwordHash: "x" }, select: { id: true } }),
    );
    const badSql = await caught(() => db.$queryRawUnsafe("SELECT * FROM no_such_table"));
    for (const error of [duplicate, badSql, new Error("boom"), null]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
      expect(asAppError(error)).toBeUndefined();
    }
  });
});
