import { beforeAll, describe, expect, it } from "vitest";
import { responseCacheStats } from "@/graphql/response-cache";
import { db } from "@/lib/server/db";
import { getBoard } from "@/lib/server/services/board";
import { leaderboardCsv, resultsCsv } from "@/lib/server/services/grading/csv";
import { updateClassSettings } from "@/lib/server/services/grading/settings";
import { getLeaderboard } from "@/lib/server/services/leaderboard";
import { getFinalSelections, selectFinal } from "@/lib/server/services/submissions/select-final";
import { errorCode, gql, makeUser } from "../helpers/fixtures";
import { addMember, addPlainSubmission, addScoredSubmission, createClassAs } from "../helpers/grading";

// Final selections (Kaggle's rule) against a real database: the limit under concurrent clicks and
// for writers that skip the service (the trigger), the freeze at the deadline, the private board
// ranking a final selection over a better unselected run (and falling back to the best overall),
// and the board's caches following a change of selection.

type User = Awaited<ReturnType<typeof makeUser>>;

const SELECT = `mutation($id: ID!, $f: Boolean!) { selectFinal(submissionId: $id, final: $f) { id isFinal } }`;
const PRIVATE_BOARD = `query($s: String!) { leaderboard(classSlug: $s, rankBy: PRIVATE) { submissionId submissionName student { id } privateAccuracy isFinal } }`;

describe("final selections", () => {
  let owner: User;
  let alice: User;
  let bob: User;
  let klass: { id: string; slug: string };

  beforeAll(async () => {
    [owner, alice, bob] = await Promise.all([makeUser("Final Owner"), makeUser("Final Alice"), makeUser("Final Bob")]);
    klass = await createClassAs(owner.viewer, "Final selections");
    await addMember(klass.id, alice.id);
    await addMember(klass.id, bob.id);
  });

  async function version(): Promise<number> {
    return (await db.class.findUniqueOrThrow({ where: { id: klass.id }, select: { boardVersion: true } })).boardVersion;
  }

  it("allows at most K selections, also when the clicks race", async () => {
    const runs = await Promise.all(
      [2, 3, 4, 5].map((every) => addScoredSubmission(alice.id, klass.id, `race ${every}`, every)),
    );
    const results = await Promise.all(runs.map((r) => gql(alice.viewer, SELECT, { id: r.id, f: true })));
    const ok = results.filter((r) => !r.errors);
    expect(ok).toHaveLength(2);
    const refused = results.filter((r) => r.errors);
    expect(refused.map(errorCode)).toEqual(["BAD_USER_INPUT", "BAD_USER_INPUT"]);
    expect(refused[0]!.errors![0]!.message).toMatch(
      /already marked 2 of 2 submissions final \(".+", ".+"\); unmark one first/,
    );
    const mine = await getFinalSelections(alice.viewer, klass.slug);
    expect(mine.max).toBe(2);
    expect(mine.selected).toHaveLength(2);
    expect(mine.frozen).toBe(false);

    // Selecting again what is selected changes nothing; unmarking frees a place.
    const first = ok[0]!.data!.selectFinal.id as string;
    expect((await gql(alice.viewer, SELECT, { id: first, f: true })).errors).toBeUndefined();
    expect((await gql(alice.viewer, SELECT, { id: first, f: false })).data!.selectFinal.isFinal).toBe(false);
    const other = runs.find((r) => !ok.some((o) => o.data!.selectFinal.id === r.id))!;
    expect((await gql(alice.viewer, SELECT, { id: other.id, f: true })).data!.selectFinal.isFinal).toBe(true);

    // A writer that skips the service meets the trigger: the count holds for everyone.
    const unselected = await db.submission.findFirstOrThrow({
      where: { classId: klass.id, authorId: alice.id, finalSelectedAt: null, status: "SUCCEEDED" },
      select: { id: true },
    });
    await expect(
      db.submission.update({ where: { id: unselected.id }, data: { finalSelectedAt: new Date() } }),
    ).rejects.toThrow(/At most 2 final submissions per student in this class/);

    // A larger K lets the third in, for the service and the trigger alike.
    await updateClassSettings(owner.viewer, { classSlug: klass.slug, finalSelectionsMax: 3 });
    expect((await gql(alice.viewer, SELECT, { id: unselected.id, f: true })).data!.selectFinal.isFinal).toBe(true);
    await updateClassSettings(owner.viewer, { classSlug: klass.slug, finalSelectionsMax: 2 });
    // Lowering K unmarks nobody; the student can only unmark until under it.
    const over = await db.submission.findFirstOrThrow({
      where: { classId: klass.id, authorId: alice.id, finalSelectedAt: null, status: "SUCCEEDED" },
      select: { id: true },
    });
    const refusedOver = await gql(alice.viewer, SELECT, { id: over.id, f: true });
    expect(refusedOver.errors?.[0]?.message).toMatch(/already marked 3 of 2/);
    await db.submission.updateMany({
      where: { classId: klass.id, authorId: alice.id },
      data: { finalSelectedAt: null },
    });
  });

  it("refuses what isn't the author's or didn't succeed, and K out of range", async () => {
    const run = await addScoredSubmission(alice.id, klass.id, "alice's", 2);
    const byGrader = await gql(owner.viewer, SELECT, { id: run.id, f: true });
    expect(errorCode(byGrader)).toBe("FORBIDDEN");
    expect(byGrader.errors![0]!.message).toBe("Only its author can mark a submission final.");
    expect(errorCode(await gql(bob.viewer, SELECT, { id: run.id, f: true }))).toBe("FORBIDDEN");
    const failed = await addPlainSubmission(alice.id, klass.id, "FAILED");
    const refused = await gql(alice.viewer, SELECT, { id: failed, f: true });
    expect(refused.errors![0]!.message).toBe("Only a succeeded submission can be marked final; this one is failed.");
    await expect(
      db.submission.update({ where: { id: failed }, data: { finalSelectedAt: new Date() } }),
    ).rejects.toThrow(/Only a succeeded submission can be marked final/);
    const zero = await gql(
      owner.viewer,
      `mutation($s: String!) { updateClassSettings(classSlug: $s, finalSelectionsMax: 0) { finalSelectionsMax } }`,
      { s: klass.slug },
    );
    expect(errorCode(zero)).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(zero.errors)).toContain("At least 1 final selection.");
  });

  it("freezes selections at the deadline", async () => {
    const run = await addScoredSubmission(bob.id, klass.id, "bob frozen", 2);
    const kept = await addScoredSubmission(bob.id, klass.id, "bob kept", 3);
    await selectFinal(bob.viewer, { submissionId: kept.id, final: true });
    await updateClassSettings(owner.viewer, { classSlug: klass.slug, deadline: new Date(Date.now() - 1000) });
    try {
      for (const [id, f] of [
        [run.id, true],
        [kept.id, false],
      ] as const) {
        const refused = await gql(bob.viewer, SELECT, { id, f });
        expect(errorCode(refused)).toBe("BAD_USER_INPUT");
        expect(refused.errors![0]!.message).toMatch(
          /^The deadline for this class passed on \d{4}-\d\d-\d\dT.+Z; final selections are frozen\.$/,
        );
      }
      expect((await getFinalSelections(bob.viewer, klass.slug)).frozen).toBe(true);
      await updateClassSettings(owner.viewer, { classSlug: klass.slug, deadline: new Date(Date.now() + 3_600_000) });
      expect((await gql(bob.viewer, SELECT, { id: kept.id, f: false })).data!.selectFinal.isFinal).toBe(false);
    } finally {
      await updateClassSettings(owner.viewer, { classSlug: klass.slug, deadline: null });
    }
  });

  it("ranks each student's best final submission on the private board, else their best overall", async () => {
    // A class of its own, so the rows are exactly these.
    const board = await createClassAs(owner.viewer, "Final board");
    await addMember(board.id, alice.id);
    await addMember(board.id, bob.id);
    const aliceBest = await addScoredSubmission(alice.id, board.id, "alice best", 1);
    const alicePick = await addScoredSubmission(alice.id, board.id, "alice pick", 3);
    const aliceOther = await addScoredSubmission(alice.id, board.id, "alice other pick", 4);
    const bobBest = await addScoredSubmission(bob.id, board.id, "bob best", 2);
    await addScoredSubmission(bob.id, board.id, "bob worse", 5);
    expect(aliceBest.privateAccuracy).toBeGreaterThan(alicePick.privateAccuracy);
    expect(alicePick.privateAccuracy).toBeGreaterThan(aliceOther.privateAccuracy);

    const privateBoard = async () =>
      (await gql(owner.viewer, PRIVATE_BOARD, { s: board.slug })).data!.leaderboard as {
        submissionName: string;
        privateAccuracy: number;
        isFinal: boolean;
      }[];
    // Nobody selected: best overall for both.
    const before = await privateBoard();
    expect(before.map((r) => [r.submissionName, r.isFinal])).toEqual([
      ["alice best", false],
      ["bob best", false],
    ]);

    // The same question again is answered from the response cache, until a selection bumps the version.
    const hits = responseCacheStats.hits;
    expect((await privateBoard()).map((r) => r.submissionName)).toEqual(["alice best", "bob best"]);
    expect(responseCacheStats.hits).toBe(hits + 1);

    const v0 = await version();
    const bv0 = (await db.class.findUniqueOrThrow({ where: { id: board.id }, select: { boardVersion: true } }))
      .boardVersion;
    await selectFinal(alice.viewer, { submissionId: alicePick.id, final: true });
    await selectFinal(alice.viewer, { submissionId: aliceOther.id, final: true });
    const bv1 = (await db.class.findUniqueOrThrow({ where: { id: board.id }, select: { boardVersion: true } }))
      .boardVersion;
    expect(bv1).toBe(bv0 + 2);
    expect(await version()).toBe(v0); // another class's board is left alone

    // Alice's best final (not her better unselected run) now ranks, below Bob's best overall.
    const after = await privateBoard();
    expect(after.map((r) => [r.submissionName, r.isFinal, r.privateAccuracy])).toEqual([
      ["bob best", false, bobBest.privateAccuracy],
      ["alice pick", true, alicePick.privateAccuracy],
    ]);
    // The public board stays the best public score.
    const publicBoard = await getLeaderboard(owner.viewer, board.slug);
    expect(publicBoard.map((r) => r.submissionName)).toEqual(["alice best", "bob best"]);
    // The class page's private tab and the CSV agree; students get the public board until the reveal.
    const page = await getBoard(owner.viewer, board.slug, "private");
    expect(page.mode).toBe("private");
    expect(page.finalSelectionsMax).toBe(2);
    expect(page.rows.map((r) => r.submissionName)).toEqual(["bob best", "alice pick"]);
    const asStudent = await getBoard(bob.viewer, board.slug, "private");
    expect(asStudent.mode).toBe("best");
    expect(asStudent.rows.every((r) => r.isFinal === null)).toBe(true);
    const csv = (await leaderboardCsv(owner.viewer, { classSlug: board.slug, rankBy: "PRIVATE" })).split("\r\n");
    expect(csv[0]!.endsWith(",final,change_since_previous_best")).toBe(true);
    expect(csv[2]).toMatch(/,alice pick,.*,true,(-?[\d.e-]+)?$/);
    const results = (await resultsCsv(owner.viewer, { classSlug: board.slug })).split("\r\n");
    expect(results[0]!.endsWith(",final,final_selected_at")).toBe(true);
    expect(results.find((l) => l.includes(",alice pick,"))).toMatch(/,true,\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(results.find((l) => l.includes(",alice best,"))).toMatch(/,false,$/);

    // Unmarking both brings the best overall back, at once (the caches follow the version).
    await selectFinal(alice.viewer, { submissionId: alicePick.id, final: false });
    await selectFinal(alice.viewer, { submissionId: aliceOther.id, final: false });
    expect((await privateBoard()).map((r) => r.submissionName)).toEqual(["alice best", "bob best"]);
  });
});
