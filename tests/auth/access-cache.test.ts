import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireClassAccess } from "@/lib/server/access";
import { accessCacheActive, accessCacheStats, startAccessCache, stopAccessCache } from "@/lib/server/access-cache";
import { recordQueries } from "@/lib/server/db";
import { resolveSession, startSession } from "@/lib/server/services/sessions";
import { revokeApiToken, viewerFromToken } from "@/lib/server/services/tokens";
import { makeUser } from "../helpers/fixtures";
import { addMember, createClassAs, tokenViewer } from "../helpers/grading";

// The web server's in-process copies of tokens, sessions and class access (access-cache.ts),
// against a real database: every change, made by this process or by any other connection, is
// seen once its NOTIFY arrives; a lost LISTEN connection turns the cache off until it is back.
process.env.CATWALK_QUERY_EVENTS = "1";

/** Another process's connection: what the worker, a second web server or psql would do. */
let other: pg.Client;

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs SQL on the other connection and waits until this process has been told of its commit. */
async function elsewhere(sql: string, params: unknown[] = []): Promise<void> {
  const before = accessCacheStats.notifications;
  await other.query(sql, params);
  await until(() => accessCacheStats.notifications > before, `the notification of: ${sql}`);
}

async function statements<T>(fn: () => Promise<T>): Promise<{ value: T; count: number }> {
  const { value, queries } = await recordQueries(fn);
  return { value, count: queries.length };
}

describe("access cache", () => {
  let owner: Awaited<ReturnType<typeof makeUser>>;
  let student: Awaited<ReturnType<typeof makeUser>>;
  let klass: { id: string; slug: string };

  beforeAll(async () => {
    other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    [owner, student] = await Promise.all([makeUser("Cache Owner"), makeUser("Cache Student")]);
    klass = await createClassAs(owner.viewer, "Access cache class");
    await addMember(klass.id, student.id);
    await startAccessCache();
    await until(accessCacheActive, "LISTEN");
  });

  afterAll(async () => {
    await stopAccessCache();
    await other.end();
  });

  it("serves a token, a session and class access from memory after the first read", async () => {
    const token = await tokenViewer(owner.viewer, { name: "cached" });
    await viewerFromToken(token.secret); // first read since the token row was written
    const again = await statements(() => viewerFromToken(token.secret));
    expect(again.value).toMatchObject({ userId: owner.id, tokenId: token.id });
    expect(again.count).toBe(0);

    await requireClassAccess(student.viewer, { slug: klass.slug });
    const access = await statements(() => requireClassAccess(student.viewer, { slug: klass.slug }));
    expect(access.value).toMatchObject({ classId: klass.id, role: "STUDENT", isGrader: false });
    expect(access.count).toBe(0);

    const sessionId = await startSession(student.id);
    await resolveSession({ userId: student.id, sessionId });
    const session = await statements(() => resolveSession({ userId: student.id, sessionId }));
    expect(session.value).toMatchObject({ id: student.id, name: "Cache Student", sessionId });
    expect(session.count).toBe(0);
  });

  it("sees another connection's revocation, role change, reveal and board change once notified", async () => {
    const token = await tokenViewer(owner.viewer, { name: "revoked elsewhere" });
    await viewerFromToken(token.secret);
    await elsewhere(`UPDATE "ApiToken" SET "revokedAt" = now() WHERE id = $1`, [token.id]);
    expect(await viewerFromToken(token.secret)).toBeNull();

    const before = await requireClassAccess(student.viewer, { slug: klass.slug });
    await elsewhere(`UPDATE "Membership" SET role = 'GRADER' WHERE "classId" = $1 AND "userId" = $2`, [
      klass.id,
      student.id,
    ]);
    const promoted = await requireClassAccess(student.viewer, { slug: klass.slug });
    expect([before.role, promoted.role]).toEqual(["STUDENT", "GRADER"]);
    expect(promoted.can.privateScores).toBe(true);
    await elsewhere(`UPDATE "Membership" SET role = 'STUDENT' WHERE "classId" = $1 AND "userId" = $2`, [
      klass.id,
      student.id,
    ]);

    await elsewhere(`UPDATE "Class" SET "privateRevealed" = true WHERE id = $1`, [klass.id]);
    expect((await requireClassAccess(student.viewer, { slug: klass.slug })).can.privateScores).toBe(true);

    const version = (await requireClassAccess(student.viewer, { id: klass.id })).boardVersion;
    await elsewhere(`UPDATE "Class" SET "boardVersion" = "boardVersion" + 1 WHERE id = $1`, [klass.id]);
    expect((await requireClassAccess(student.viewer, { id: klass.id })).boardVersion).toBe(version + 1);

    await elsewhere(`DELETE FROM "Membership" WHERE "classId" = $1 AND "userId" = $2`, [klass.id, student.id]);
    await expect(requireClassAccess(student.viewer, { slug: klass.slug })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await addMember(klass.id, student.id);
  });

  it("a revocation through the app applies to its very next request", async () => {
    const token = await tokenViewer(owner.viewer, { name: "revoked here" });
    await viewerFromToken(token.secret);
    await revokeApiToken(owner.viewer, { tokenId: token.id });
    // No waiting for the notification: the process that made the change forgets at once.
    expect(await viewerFromToken(token.secret)).toBeNull();
  });

  it("ends a session that is deleted elsewhere, and one that expires, without a notification for the expiry", async () => {
    const ended = await startSession(student.id);
    expect(await resolveSession({ userId: student.id, sessionId: ended })).not.toBeNull();
    await elsewhere(`DELETE FROM "Session" WHERE id = $1`, [ended]);
    expect(await resolveSession({ userId: student.id, sessionId: ended })).toBeNull();

    const expiring = await startSession(student.id);
    await elsewhere(`UPDATE "Session" SET "expiresAt" = $2 WHERE id = $1`, [expiring, new Date(Date.now() + 1_500)]);
    expect(await resolveSession({ userId: student.id, sessionId: expiring })).not.toBeNull();
    const notifications = accessCacheStats.notifications;
    const cached = await statements(() => resolveSession({ userId: student.id, sessionId: expiring }));
    expect([cached.value?.sessionId, cached.count]).toEqual([expiring, 0]);
    await until(async () => (await resolveSession({ userId: student.id, sessionId: expiring })) === null, "expiry");
    expect(accessCacheStats.notifications).toBe(notifications);
  });

  it("recording a token's use does not empty the cache", async () => {
    const token = await tokenViewer(owner.viewer, { name: "polling" });
    await viewerFromToken(token.secret);
    const before = accessCacheStats.notifications;
    await other.query(`UPDATE "ApiToken" SET "lastUsedAt" = now() - interval '1 hour' WHERE id = $1`, [token.id]);
    // A marker sent after that commit: notifications arrive in commit order, so once the marker
    // is here, a notification of the update would have come first.
    await other.query(`SELECT pg_notify('catwalk_access', 'marker')`);
    await until(() => accessCacheStats.notifications > before, "the marker");
    expect(accessCacheStats.notifications).toBe(before + 1);
  });

  it("turns itself off while the LISTEN connection is lost, and back on when it returns", async () => {
    const token = await tokenViewer(owner.viewer, { name: "across a reconnect" });
    await viewerFromToken(token.secret);
    const connects = accessCacheStats.connects;
    await other.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'catwalk-web-access-cache' AND datname = current_database()`,
    );
    await until(() => !accessCacheActive(), "the cache to turn off");
    // While off, a change is seen at once: every read goes to the database.
    await other.query(`UPDATE "ApiToken" SET "revokedAt" = now() WHERE id = $1`, [token.id]);
    if (!accessCacheActive()) expect(await viewerFromToken(token.secret)).toBeNull();
    await until(() => accessCacheActive() && accessCacheStats.connects > connects, "the reconnect");
    expect(await viewerFromToken(token.secret)).toBeNull();
  });
});
