import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as boardRoute } from "@/app/api/classes/[slug]/leaderboard/route";
import { POST } from "@/app/api/graphql/route";
import { responseCacheStats, stringifyResult } from "@/graphql/response-cache";
import { db } from "@/lib/server/db";
import { getBoard } from "@/lib/server/services/board";
import { revokeApiToken } from "@/lib/server/services/tokens";
import type { Viewer } from "@/lib/server/viewer";
import { errorCode, gql, makeUser } from "../helpers/fixtures";
import {
  addMember,
  addPlainSubmission,
  addScoredSubmission,
  createClassAs,
  discardQueuedWork,
  tokenViewer,
} from "../helpers/grading";

// The leaderboard's caches (shared rows in services/leaderboard.ts, whole answers in
// graphql/response-cache.ts) against a real database: what invalidates them (the board version,
// bumped by triggers) and that no answer crosses from one visibility to another.

const BOARD = `query($s: String!) { leaderboard(classSlug: $s) { rank submissionName student { id name } publicAccuracy privateAccuracy } }`;
const WITH_ARCH = `query($s: String!) { leaderboard(classSlug: $s) { submissionName privateAccuracy architecture } }`;

type Row = {
  rank: number;
  submissionName: string;
  student: { id: string; name: string };
  publicAccuracy: number;
  privateAccuracy: number | null;
  architecture?: unknown;
};

async function board(viewer: Viewer, slug: string, query = BOARD): Promise<Row[]> {
  const result = await gql<{ leaderboard: Row[] }>(viewer, query, { s: slug });
  expect(result.errors).toBeUndefined();
  return result.data!.leaderboard;
}

/** Runs `fn` and returns how many leaderboard answers came from the response cache meanwhile. */
async function hitsDuring<T>(fn: () => Promise<T>): Promise<{ value: T; hits: number }> {
  const before = responseCacheStats.hits;
  const value = await fn();
  return { value, hits: responseCacheStats.hits - before };
}

async function version(classId: string): Promise<number> {
  return (await db.class.findUniqueOrThrow({ where: { id: classId }, select: { boardVersion: true } })).boardVersion;
}

afterAll(discardQueuedWork);

describe("leaderboard caches", () => {
  let owner: Awaited<ReturnType<typeof makeUser>>;
  let alice: Awaited<ReturnType<typeof makeUser>>;
  let bob: Awaited<ReturnType<typeof makeUser>>;
  let outsider: Awaited<ReturnType<typeof makeUser>>;
  let klass: { id: string; slug: string };
  let other: { id: string; slug: string };
  let aliceSubmission: string;

  beforeAll(async () => {
    [owner, alice, bob, outsider] = await Promise.all([
      makeUser("Cache Owner"),
      makeUser("Cache Alice"),
      makeUser("Cache Bob"),
      makeUser("Cache Outsider"),
    ]);
    klass = await createClassAs(owner.viewer, "Cache class");
    other = await createClassAs(owner.viewer, "Cache other class");
    await addMember(klass.id, alice.id);
    await addMember(klass.id, bob.id);
    await addMember(other.id, outsider.id);
    aliceSubmission = (await addScoredSubmission(alice.id, klass.id, "alice mlp", 2)).id;
    await addScoredSubmission(bob.id, klass.id, "bob mlp", 3);
  });

  beforeEach(() => {
    expect(process.env.CATWALK_LEADERBOARD_CACHE).not.toBe("0");
  });

  describe("the board version (database triggers)", () => {
    it("moves when a result lands, a board row changes or leaves, or an author renames; not for queueing or progress", async () => {
      const v0 = await version(klass.id);
      const queued = await addPlainSubmission(alice.id, klass.id, "QUEUED");
      expect(await version(klass.id)).toBe(v0);
      await db.submission.update({
        where: { id: queued },
        data: {
          status: "RUNNING",
          startedAt: new Date(),
          workerId: "test-worker",
          progress: { phase: "training", epoch: 1 },
        },
      });
      await db.submission.update({ where: { id: queued }, data: { progress: { phase: "training", epoch: 2 } } });
      expect(await version(klass.id)).toBe(v0);

      const scored = await addScoredSubmission(bob.id, klass.id, "bob second", 4);
      const v1 = await version(klass.id);
      expect(v1).toBeGreaterThan(v0);
      await db.submission.update({ where: { id: scored.id }, data: { name: "bob renamed" } });
      const v2 = await version(klass.id);
      expect(v2).toBeGreaterThan(v1);
      await db.user.update({ where: { id: bob.id }, data: { name: "Cache Robert" } });
      const v3 = await version(klass.id);
      expect(v3).toBeGreaterThan(v2);
      // A re-score takes the row off the board: status leaves SUCCEEDED, the result goes.
      await db.submission.update({ where: { id: scored.id }, data: { status: "QUEUED" } });
      await db.result.delete({ where: { submissionId: scored.id } });
      const v4 = await version(klass.id);
      expect(v4).toBeGreaterThan(v3);
      await db.submission.delete({ where: { id: scored.id } });
      await db.submission.delete({ where: { id: queued } });
      expect(await version(other.id)).toBe(0);
    });
  });

  describe("answers", () => {
    it("are shared between viewers who see the same, and never cross visibilities", async () => {
      const first = await board(alice.viewer, klass.slug);
      expect(first.every((r) => r.privateAccuracy === null)).toBe(true);
      const bobs = await hitsDuring(() => board(bob.viewer, klass.slug));
      expect(bobs.hits).toBe(1);
      expect(bobs.value).toEqual(first);
      // A hit's HTTP body is the one serialised when it was stored: the same bytes Apollo writes.
      const hit = await gql(bob.viewer, BOARD, { s: klass.slug });
      expect(stringifyResult({ errors: undefined, data: hit.data!, extensions: undefined })).toBe(
        `${JSON.stringify({ data: hit.data })}\n`,
      );

      // The grader asks the same query: private scores, from a miss, not the students' answer.
      const graders = await hitsDuring(() => board(owner.viewer, klass.slug));
      expect(graders.hits).toBe(0);
      expect(graders.value.every((r) => r.privateAccuracy !== null)).toBe(true);
      const graderAgain = await hitsDuring(() => board(owner.viewer, klass.slug));
      expect(graderAgain.hits).toBe(1);
      expect(graderAgain.value).toEqual(graders.value);
      // And the students still get theirs.
      const aliceAgain = await hitsDuring(() => board(alice.viewer, klass.slug));
      expect(aliceAgain.hits).toBe(1);
      expect(aliceAgain.value.every((r) => r.privateAccuracy === null)).toBe(true);

      // Architectures: the grader's answer with them never reaches a student.
      const archGrader = await board(owner.viewer, klass.slug, WITH_ARCH);
      expect(archGrader.every((r) => r.architecture !== null)).toBe(true);
      const archStudent = await board(alice.viewer, klass.slug, WITH_ARCH);
      expect(archStudent.every((r) => r.architecture === null && r.privateAccuracy === null)).toBe(true);
    });

    it("refuse callers outside the class even when an answer is cached", async () => {
      await board(owner.viewer, klass.slug);
      expect((await hitsDuring(() => board(owner.viewer, klass.slug))).hits).toBe(1);
      const outsiderTry = await gql(outsider.viewer, BOARD, { s: klass.slug });
      expect(errorCode(outsiderTry)).toBe("FORBIDDEN");
      expect(outsiderTry.data).toBeNull();
      const otherClassToken = await tokenViewer(owner.viewer, { name: "other class only", classSlug: other.slug });
      const tokenTry = await gql(otherClassToken.viewer, BOARD, { s: klass.slug });
      expect(errorCode(tokenTry)).toBe("FORBIDDEN");
      expect(errorCode(await gql(null, BOARD, { s: klass.slug }))).toBe("UNAUTHENTICATED");
      // A revoked token stops resolving at once (the revoking process forgets cached tokens at
      // once, others on its NOTIFY: tests/auth/access-cache.test.ts), so it never reaches the cache.
      const token = await tokenViewer(owner.viewer, { name: "revoked soon" });
      expect((await hitsDuring(() => board(token.viewer, klass.slug))).hits).toBe(1);
      await revokeApiToken(owner.viewer, { tokenId: token.id });
      const { viewerFromToken } = await import("@/lib/server/services/tokens");
      expect(await viewerFromToken(token.secret)).toBeNull();
    });

    it("follow role changes and removals at once", async () => {
      await board(alice.viewer, klass.slug);
      await board(owner.viewer, klass.slug);
      await db.membership.update({
        where: { userId_classId: { userId: alice.id, classId: klass.id } },
        data: { role: "GRADER" },
      });
      expect((await board(alice.viewer, klass.slug)).every((r) => r.privateAccuracy !== null)).toBe(true);
      await db.membership.update({
        where: { userId_classId: { userId: alice.id, classId: klass.id } },
        data: { role: "STUDENT" },
      });
      expect((await board(alice.viewer, klass.slug)).every((r) => r.privateAccuracy === null)).toBe(true);
      await db.membership.delete({ where: { userId_classId: { userId: bob.id, classId: klass.id } } });
      expect(errorCode(await gql(bob.viewer, BOARD, { s: klass.slug }))).toBe("FORBIDDEN");
      await addMember(klass.id, bob.id);
    });

    it("follow the reveal of the private board, and hiding it again", async () => {
      expect((await board(alice.viewer, klass.slug)).every((r) => r.privateAccuracy === null)).toBe(true);
      const revealed = await gql(
        owner.viewer,
        `mutation($s: String!) { revealPrivateLeaderboard(classSlug: $s) { slug } }`,
        { s: klass.slug },
      );
      expect(revealed.errors).toBeUndefined();
      expect((await board(alice.viewer, klass.slug)).every((r) => r.privateAccuracy !== null)).toBe(true);
      await db.class.update({ where: { id: klass.id }, data: { privateRevealed: false } });
      expect((await board(bob.viewer, klass.slug)).every((r) => r.privateAccuracy === null)).toBe(true);
    });

    it("show a change committed by another process (the worker) on the next request", async () => {
      const before = await board(bob.viewer, klass.slug);
      expect((await hitsDuring(() => board(bob.viewer, klass.slug))).hits).toBe(1);
      // Another connection, as a worker process would write: plain SQL, none of the web app's code.
      const worker = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await worker.connect();
      try {
        await worker.query(`UPDATE "Result" SET "publicAccuracy" = 0.999 WHERE "submissionId" = $1`, [aliceSubmission]);
      } finally {
        await worker.end();
      }
      const after = await board(bob.viewer, klass.slug);
      expect(after).not.toEqual(before);
      expect(after[0]).toMatchObject({ submissionName: "alice mlp", publicAccuracy: 0.999 });

      // A new result lands: the new board, and a cached answer again right after.
      const carol = await makeUser("Cache Carol");
      await addMember(klass.id, carol.id);
      await addScoredSubmission(carol.id, klass.id, "carol mlp", 5);
      const withCarol = await board(bob.viewer, klass.slug);
      expect(withCarol.map((r) => r.submissionName)).toContain("carol mlp");
      const again = await hitsDuring(() => board(alice.viewer, klass.slug));
      expect(again.hits).toBe(1);
      expect(again.value).toEqual(withCarol);

      // A re-score takes the row off at once.
      const rescored = await gql(owner.viewer, `mutation($id: ID!) { rescoreSubmission(id: $id) { id status } }`, {
        id: aliceSubmission,
      });
      expect(rescored.errors).toBeUndefined();
      expect((await board(bob.viewer, klass.slug)).map((r) => r.submissionName)).not.toContain("alice mlp");
    });

    it("are not used for queries that ask for more than the leaderboard", async () => {
      const mixed = `query($s: String!) { me { id } leaderboard(classSlug: $s) { submissionName } }`;
      await gql(alice.viewer, mixed, { s: klass.slug });
      const again = await hitsDuring(() => gql(alice.viewer, mixed, { s: klass.slug }));
      expect(again.hits).toBe(0);
      expect(again.value.data!.me.id).toBe(alice.id);
    });
  });

  describe("the fast path (answers sent before Apollo)", () => {
    /** Through the real route handler, as a script sends it: the same bytes every time. */
    async function post(secret: string, body: string) {
      const response = await POST(
        new NextRequest("http://127.0.0.1:3000/api/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
          body,
        }),
      );
      return { status: response.status, headers: response.headers, text: await response.text() };
    }
    const fastHitsDuring = async <T>(fn: () => Promise<T>) => {
      const before = responseCacheStats.fastHits;
      const value = await fn();
      return { value, fastHits: responseCacheStats.fastHits - before };
    };

    it("answers a body Apollo has seen with the same bytes and headers, for each viewer's own view", async () => {
      const body = JSON.stringify({ query: BOARD, variables: { s: klass.slug } });
      const grader = await tokenViewer(owner.viewer, { name: "fast grader" });
      const student = await tokenViewer(alice.viewer, { name: "fast student" });
      const first = await post(grader.secret, body);
      const second = await fastHitsDuring(() => post(grader.secret, body));
      expect(second.fastHits).toBe(1);
      expect(second.value.text).toBe(first.text);
      expect(second.value.status).toBe(200);
      for (const header of ["content-type", "cache-control"])
        expect(second.value.headers.get(header)).toBe(first.headers.get(header));

      // Same bytes, another viewer: their own view, never the grader's.
      const studentView = await post(student.secret, body);
      const rows: Row[] = JSON.parse(studentView.text).data.leaderboard;
      expect(rows.every((r) => r.privateAccuracy === null)).toBe(true);
      expect(JSON.parse(first.text).data.leaderboard.every((r: Row) => r.privateAccuracy !== null)).toBe(true);
      expect((await fastHitsDuring(() => post(student.secret, body))).fastHits).toBe(1);

      // Refusals go through Apollo and get its errors.
      await revokeApiToken(alice.viewer, { tokenId: student.id });
      const revoked = await fastHitsDuring(() => post(student.secret, body));
      expect([revoked.fastHits, revoked.value.status]).toEqual([0, 401]);
      expect(JSON.parse(revoked.value.text).errors[0].extensions.code).toBe("UNAUTHENTICATED");
      const outsiderToken = await tokenViewer(outsider.viewer, { name: "fast outsider" });
      const refused = await fastHitsDuring(() => post(outsiderToken.secret, body));
      expect(refused.fastHits).toBe(0);
      expect(JSON.parse(refused.value.text).errors[0].extensions.code).toBe("FORBIDDEN");

      // A board change: the next answer is the new board.
      const dave = await makeUser("Cache Dave");
      await addMember(klass.id, dave.id);
      await addScoredSubmission(dave.id, klass.id, "dave mlp", 7);
      const changed = await fastHitsDuring(() => post(grader.secret, body));
      expect(changed.fastHits).toBe(0);
      expect(JSON.parse(changed.value.text).data.leaderboard.map((r: Row) => r.submissionName)).toContain("dave mlp");
    });
  });

  describe("the class page's JSON board (GET /api/classes/[slug]/leaderboard)", () => {
    async function poll(secret: string, mode = "best") {
      const request = new NextRequest(`http://127.0.0.1:3000/api/classes/${klass.slug}/leaderboard?mode=${mode}`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      const response = await boardRoute(request, { params: Promise.resolve({ slug: klass.slug }) });
      expect(response.headers.get("content-type")).toBe("application/json");
      return { status: response.status, text: await response.text() };
    }

    it("is the uncached view, per visibility, and follows role changes and board changes", async () => {
      const grader = await tokenViewer(owner.viewer, { name: "json grader" });
      const student = await tokenViewer(bob.viewer, { name: "json student" });
      for (const mode of ["best", "all", "private"] as const) {
        const [first, second] = [await poll(grader.secret, mode), await poll(grader.secret, mode)];
        expect(second.text).toBe(first.text);
        expect(JSON.parse(first.text)).toEqual(
          JSON.parse(JSON.stringify(await getBoard(owner.viewer, klass.slug, mode))),
        );
      }
      const studentBoard = JSON.parse((await poll(student.secret, "private")).text);
      expect(studentBoard.mode).toBe("best"); // not revealed: the public board instead
      expect(studentBoard.rows.every((r: Row) => r.privateAccuracy === null)).toBe(true);

      await db.membership.update({
        where: { userId_classId: { userId: bob.id, classId: klass.id } },
        data: { role: "GRADER" },
      });
      const promoted = JSON.parse((await poll(student.secret)).text);
      expect(promoted.rows.every((r: Row) => r.privateAccuracy !== null)).toBe(true);
      await db.membership.update({
        where: { userId_classId: { userId: bob.id, classId: klass.id } },
        data: { role: "STUDENT" },
      });
      expect(JSON.parse((await poll(student.secret)).text).rows.every((r: Row) => r.privateAccuracy === null)).toBe(
        true,
      );

      const erin = await makeUser("Cache Erin");
      await addMember(klass.id, erin.id);
      await addScoredSubmission(erin.id, klass.id, "erin mlp", 11);
      expect(JSON.parse((await poll(student.secret)).text).rows.map((r: Row) => r.submissionName)).toContain(
        "erin mlp",
      );
    });
  });
});
