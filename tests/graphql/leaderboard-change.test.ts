import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { getBoard } from "@/lib/server/services/board";
import { leaderboardCsv } from "@/lib/server/services/grading/csv";
import { gql, makeUser, type ScoredSubmission } from "../helpers/fixtures";
import { addMember, addScoredSubmission, createClassAs } from "../helpers/grading";

// Each leaderboard row's change since its student's previous best: the row's score minus the best
// score among that student's earlier succeeded submissions, computed in the board's one statement
// (a window over the student's rows in submission order) and carried by GraphQL, the class page
// and the CSV.

type User = Awaited<ReturnType<typeof makeUser>>;
const BOARD = `query($s: String!, $m: LeaderboardMode) { leaderboard(classSlug: $s, mode: $m) { submissionName publicAccuracy previousBest changeSincePreviousBest } }`;

describe("change since the student's previous best", () => {
  let owner: User;
  let alice: User;
  let bob: User;
  let klass: { id: string; slug: string };
  const runs: Record<string, ScoredSubmission> = {};

  beforeAll(async () => {
    [owner, alice, bob] = await Promise.all([makeUser("Delta Owner"), makeUser("Delta Alice"), makeUser("Delta Bob")]);
    klass = await createClassAs(owner.viewer, "Deltas");
    await addMember(klass.id, alice.id);
    await addMember(klass.id, bob.id);
    // Alice: a fair first run, a worse second, a best third; Bob: one run. Right on every k-th
    // image, so a smaller k scores higher. Submission times are set apart explicitly.
    const plan: [string, User, string, number][] = [
      ["a1", alice, "alice first", 3],
      ["a2", alice, "alice worse", 5],
      ["a3", alice, "alice best", 2],
      ["b1", bob, "bob only", 4],
    ];
    const start = Date.parse("2026-11-01T10:00:00Z");
    for (const [index, [key, who, name, every]] of plan.entries()) {
      const run = await addScoredSubmission(who.id, klass.id, name, every);
      await db.submission.update({ where: { id: run.id }, data: { createdAt: new Date(start + index * 60_000) } });
      runs[key] = run;
    }
  });

  it("best per student: the best row against the best before it; a first submission has none", async () => {
    const { data, errors } = await gql(alice.viewer, BOARD, { s: klass.slug });
    expect(errors).toBeUndefined();
    const rows = data!.leaderboard as {
      submissionName: string;
      publicAccuracy: number;
      previousBest: number | null;
      changeSincePreviousBest: number | null;
    }[];
    expect(rows.map((r) => r.submissionName)).toEqual(["alice best", "bob only"]);
    const [best, only] = rows;
    // The best before "alice best" is her first run (the second was worse).
    expect(best!.previousBest).toBeCloseTo(runs.a1!.publicAccuracy, 12);
    expect(best!.changeSincePreviousBest).toBeCloseTo(runs.a3!.publicAccuracy - runs.a1!.publicAccuracy, 12);
    expect(best!.changeSincePreviousBest!).toBeGreaterThan(0);
    expect(only!.previousBest).toBeNull();
    expect(only!.changeSincePreviousBest).toBeNull();
  });

  it("all submissions: each row against the student's best before it, negative for a step back", async () => {
    const { data } = await gql(owner.viewer, BOARD, { s: klass.slug, m: "ALL" });
    const byName = new Map(
      (
        data!.leaderboard as {
          submissionName: string;
          previousBest: number | null;
          changeSincePreviousBest: number | null;
        }[]
      ).map((r) => [r.submissionName, r]),
    );
    expect(byName.get("alice first")!.previousBest).toBeNull();
    expect(byName.get("alice worse")!.previousBest).toBeCloseTo(runs.a1!.publicAccuracy, 12);
    expect(byName.get("alice worse")!.changeSincePreviousBest!).toBeLessThan(0);
    expect(byName.get("alice best")!.previousBest).toBeCloseTo(runs.a1!.publicAccuracy, 12);
  });

  it("the class page's board and the CSV carry it", async () => {
    const board = await getBoard(bob.viewer, klass.slug, "best");
    expect(board.rows.map((r) => [r.submissionName, r.previousBest])).toEqual([
      ["alice best", runs.a1!.publicAccuracy],
      ["bob only", null],
    ]);
    const csv = (await leaderboardCsv(owner.viewer, { classSlug: klass.slug })).split("\r\n");
    expect(csv[0]!.endsWith(",final,change_since_previous_best")).toBe(true);
    const change = Number(csv[1]!.split(",").at(-1));
    expect(change).toBeCloseTo(runs.a3!.publicAccuracy - runs.a1!.publicAccuracy, 12);
    expect(csv[2]!.endsWith(",")).toBe(true);
  });
});
