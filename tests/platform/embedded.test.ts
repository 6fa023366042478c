// The fresh-machine path: no DATABASE_URL, so start-up brings up an embedded PostgreSQL,
// migrates it, and serves real queries through Prisma Client + adapter-pg; stopping leaves no
// postgres process behind. Extend the "while running" block for app-level checks (GraphQL).

import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EmbeddedPlatform,
  makeClusterRoot,
  prismaClientFor,
  processesUsing,
  removeClusterRoot,
  startEmbeddedPlatform,
} from "../helpers/embedded";

const START_TIMEOUT = 120_000;

describe.skipIf(process.platform !== "linux")("embedded PostgreSQL start-up", { timeout: START_TIMEOUT }, () => {
  let root: string;
  let platform: EmbeddedPlatform | undefined;

  beforeAll(async () => {
    root = await makeClusterRoot();
    platform = await startEmbeddedPlatform(root);
  }, START_TIMEOUT);

  afterAll(async () => {
    await platform?.database.stop();
    await removeClusterRoot(root);
  });

  describe("while running", () => {
    it("is an embedded server, not the one in DATABASE_URL", () => {
      expect(platform!.database.embedded).toBe(true);
      expect(new URL(platform!.database.url).hostname).toBe("127.0.0.1");
      expect(new URL(platform!.database.url).pathname).toBe("/catwalk");
    });

    it("answers queries through Prisma Client with adapter-pg on the migrated schema", async () => {
      const prisma = prismaClientFor(platform!.database.url);
      try {
        const user = await prisma.user.create({
          data: { email: "grace@example.com", name: "Grace", passwordHash: "x" },
          select: { id: true },
        });
        await prisma.class.create({
          data: {
            name: "Embedded",
            slug: "embedded",
            joinCode: "EMBED234",
            memberships: { create: { userId: user.id, role: "OWNER" } },
          },
        });
        const classes = await prisma.class.findMany({
          select: { slug: true, _count: { select: { memberships: true } } },
        });
        expect(classes).toEqual([{ slug: "embedded", _count: { memberships: 1 } }]);
        // The CHECK constraints came with the migration.
        await expect(
          prisma.user.create({ data: { email: "UPPER@example.com", name: "U", passwordHash: "x" } }),
        ).rejects.toThrow(/User_email_lowercase_check/);
      } finally {
        await prisma.$disconnect();
      }
    });
  });

  it("stops without leaving a postgres process, and restarts over a stale postmaster.pid", async () => {
    const { directory } = platform!;
    expect((await processesUsing(directory)).length).toBeGreaterThan(0);
    await platform!.database.stop();
    expect(await processesUsing(directory)).toEqual([]);
    expect(existsSync(join(directory, "postmaster.pid"))).toBe(false);

    // What a crash leaves: a pid file naming a process that no longer exists (or another program).
    await writeFile(join(directory, "postmaster.pid"), `999999\n${directory}\n`);
    platform = await startEmbeddedPlatform(root);
    const prisma = prismaClientFor(platform.database.url);
    try {
      // Warm start: same cluster, data kept, migrations already applied.
      expect(await prisma.class.count()).toBe(1);
    } finally {
      await prisma.$disconnect();
    }
    await platform.database.stop();
    expect(await processesUsing(directory)).toEqual([]);
  });
});
