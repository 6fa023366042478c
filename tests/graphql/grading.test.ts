import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { isPublicIndex, splitFor, testLabels } from "@/lib/server/test-set";
import { errorCode, type GqlResult, gql, makeUser } from "../helpers/fixtures";
import {
  addMember,
  addPlainSubmission,
  addScoredSubmission,
  createClassAs,
  discardQueuedWork,
  MLP,
} from "../helpers/grading";

type U = Awaited<ReturnType<typeof makeUser>>;

const RESULT = `query($id: ID!) { submission(id: $id) { result {
  scope testAccuracy testLoss publicAccuracy privateAccuracy confusionMatrix perClass { precision recall f1 support }
  epochHistory { epoch valAccuracy } } } }`;

afterAll(discardQueuedWork);

describe("grader API: integrity of the private half", () => {
  let owner: U;
  let student: U;
  let slug: string;
  let classId: string;
  let scored: Awaited<ReturnType<typeof addScoredSubmission>>;

  beforeAll(async () => {
    [owner, student] = await Promise.all([makeUser("Int Owner"), makeUser("Int Student")]);
    ({ slug, id: classId } = await createClassAs(owner.viewer, "Integrity"));
    await addMember(classId, student.id);
    scored = await addScoredSubmission(student.id, classId, "a third right", 3);
    // The fixture's halves differ, so a leak of the full-set figures would be visible.
    expect(scored.privateAccuracy).not.toBeCloseTo(scored.publicAccuracy, 6);
  });

  it("gives the author public-half metrics only, with nothing that reveals the private half", async () => {
    const res = await gql(student.viewer, RESULT, { id: scored.id });
    expect(res.errors).toBeUndefined();
    const r = res.data!.submission.result;
    expect(r).toMatchObject({ scope: "PUBLIC_HALF", testLoss: null, privateAccuracy: null });
    expect(r.testAccuracy).toBeCloseTo(scored.publicAccuracy, 10);
    const cm: number[][] = r.confusionMatrix;
    const total = cm.flat().reduce((a, b) => a + b, 0);
    const trace = cm.reduce((a, row, i) => a + row[i]!, 0);
    expect(total).toBe(splitFor(1000).public.length);
    expect(trace / total).toBeCloseTo(scored.publicAccuracy, 10);
    expect(r.perClass).toHaveLength(10);
    expect(r.epochHistory).toEqual([{ epoch: 1, valAccuracy: 0.78 }]);
    const numbers: number[] = [];
    JSON.stringify(res.data, (_key, value: unknown) => {
      if (typeof value === "number") numbers.push(value);
      return value;
    });
    for (const secret of [scored.privateAccuracy, scored.testAccuracy, scored.testLoss]) {
      expect(numbers.some((n) => Math.abs(n - secret) < 1e-12)).toBe(false);
    }
  });

  it("gives graders the full test set, and students too once the private half is revealed", async () => {
    const asOwner = (await gql(owner.viewer, RESULT, { id: scored.id })).data!.submission.result;
    expect(asOwner).toMatchObject({
      scope: "FULL_TEST_SET",
      testLoss: scored.testLoss,
      privateAccuracy: scored.privateAccuracy,
    });
    expect(asOwner.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(1000);

    const board = `query($slug: String!) { leaderboard(classSlug: $slug) { privateAccuracy } class(slug: $slug) { privateRevealed } }`;
    expect((await gql(student.viewer, board, { slug })).data!.leaderboard[0].privateAccuracy).toBeNull();
    const reveal = await gql(
      owner.viewer,
      `mutation($slug: String!) { revealPrivateLeaderboard(classSlug: $slug) { privateRevealed } }`,
      { slug },
    );
    expect(reveal.data!.revealPrivateLeaderboard.privateRevealed).toBe(true);
    expect((await gql(student.viewer, board, { slug })).data!.leaderboard[0].privateAccuracy).toBeCloseTo(
      scored.privateAccuracy,
      10,
    );
    expect((await gql(student.viewer, RESULT, { id: scored.id })).data!.submission.result.scope).toBe("FULL_TEST_SET");
    await gql(
      owner.viewer,
      `mutation($slug: String!) { revealPrivateLeaderboard(classSlug: $slug, revealed: false) { privateRevealed } }`,
      { slug },
    );
  });

  it("lists per-image examples of the public half only to the author, all of them to graders", async () => {
    const labels = (await testLabels())!;
    const q = `query($id: ID!) { predictionExamples(submissionId: $id, trueClass: 3, predictedClass: 4, limit: 200) { indices total scope } }`;
    const mine = (await gql(student.viewer, q, { id: scored.id })).data!.predictionExamples;
    const all = (await gql(owner.viewer, q, { id: scored.id })).data!.predictionExamples;
    expect(mine.scope).toBe("PUBLIC_HALF");
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.indices.every((i: number) => isPublicIndex(1000, i) && labels[i] === 3)).toBe(true);
    expect(all.total).toBeGreaterThan(mine.total);
    expect(all.indices.some((i: number) => !isPublicIndex(1000, i))).toBe(true);
  });
});

describe("grader API: submissions, rescoring, settings, roles, CSV", () => {
  let owner: U;
  let grader: U;
  let student: U;
  let other: U;
  let slug: string;
  let classId: string;

  beforeAll(async () => {
    [owner, grader, student, other] = await Promise.all([
      makeUser("G Owner"),
      makeUser("G Grader"),
      makeUser("Formula Student"),
      makeUser("G Other"),
    ]);
    ({ slug, id: classId } = await createClassAs(owner.viewer, "Grading"));
    await addMember(classId, grader.id, "GRADER");
    await addMember(classId, student.id);
    await addMember(classId, other.id);
    // A name a spreadsheet would run as a formula, for the CSV test.
    await db.user.update({ where: { id: student.id }, data: { name: "=cmd|' /C calc'!A0" } });
  });

  it("pages through filtered submissions with stable cursors and a page-size cap", async () => {
    const base = Date.parse("2026-03-01T12:00:00Z");
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(
        await addPlainSubmission(
          i % 2 ? other.id : student.id,
          classId,
          i % 3 === 0 ? "FAILED" : "QUEUED",
          new Date(base + i * 3600_000),
        ),
      );
    }
    const q = `query($slug: String!, $first: Int, $after: String, $s: ID, $status: [SubmissionStatus!], $from: DateTime, $to: DateTime) {
      searchSubmissions(classSlug: $slug, first: $first, after: $after, studentId: $s, status: $status, from: $from, to: $to) {
        nodes { id } endCursor hasNextPage totalCount } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: GqlResult = await gql(grader.viewer, q, { slug, first: 3, after });
      expect(res.errors).toBeUndefined();
      const p: { nodes: Array<{ id: string }>; endCursor: string | null; hasNextPage: boolean; totalCount: number } =
        res.data!.searchSubmissions;
      expect(p.totalCount).toBe(7);
      seen.push(...p.nodes.map((n: { id: string }) => n.id));
      after = p.endCursor;
      if (!p.hasNextPage) break;
    }
    expect(seen).toEqual([...ids].reverse());

    const failed = await gql(grader.viewer, q, { slug, status: ["FAILED"] });
    expect(failed.data!.searchSubmissions.totalCount).toBe(3);
    const byStudent = await gql(grader.viewer, q, { slug, s: student.id });
    expect(byStudent.data!.searchSubmissions.totalCount).toBe(4);
    const window = await gql(grader.viewer, q, {
      slug,
      from: new Date(base + 3600_000).toISOString(),
      to: new Date(base + 3 * 3600_000).toISOString(),
    });
    expect(window.data!.searchSubmissions.nodes.map((n: { id: string }) => n.id)).toEqual([ids[3], ids[2], ids[1]]);
    // A student's search is their own, whatever they ask for.
    expect((await gql(student.viewer, q, { slug })).data!.searchSubmissions.totalCount).toBe(4);

    const tooMany = await gql(grader.viewer, q, { slug, first: 101 });
    expect(errorCode(tooMany)).toBe("BAD_USER_INPUT");
    expect(tooMany.errors![0]!.message).toMatch(/At most 100/);
    expect(errorCode(await gql(grader.viewer, q, { slug, after: "not-a-cursor" }))).toBe("BAD_USER_INPUT");
  });

  it("re-scores a finished submission: result dropped, a new job queued with it", async () => {
    const done = await addScoredSubmission(student.id, classId, "rescore me");
    const before = await db.submission.findUniqueOrThrow({ where: { id: done.id }, select: { jobId: true } });
    const res = await gql(
      grader.viewer,
      `mutation($id: ID!) { rescoreSubmission(id: $id) { status result { testAccuracy } attempts } }`,
      { id: done.id },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.rescoreSubmission).toEqual({ status: "QUEUED", result: null, attempts: 0 });
    const after = await db.submission.findUniqueOrThrow({
      where: { id: done.id },
      select: { jobId: true, startedAt: true, progress: true },
    });
    expect(after.jobId).not.toBeNull();
    expect(after.jobId).not.toBe(before.jobId);
    expect(after).toMatchObject({ startedAt: null, progress: null });
    const jobs = await db.$queryRaw<
      Array<{ state: string }>
    >`SELECT state::text FROM pgboss.job WHERE id = ${after.jobId}::uuid`;
    expect(jobs).toEqual([{ state: "created" }]);
    // A queued submission is not re-scored twice.
    expect(
      errorCode(await gql(grader.viewer, `mutation($id: ID!) { rescoreSubmission(id: $id) { id } }`, { id: done.id })),
    ).toBe("BAD_USER_INPUT");
  });

  it("enforces the quota and deadline set through GraphQL (graders are exempt)", async () => {
    const set = `mutation($slug: String!, $q: Int, $d: DateTime) { updateClassSettings(classSlug: $slug, dailyQuota: $q, deadline: $d) { dailyQuota deadline } }`;
    const submit = `mutation($slug: String!, $arch: JSON!) { submit(classSlug: $slug, name: "q", architecture: $arch) { id } }`;
    const fresh = await makeUser("Quota Student");
    await addMember(classId, fresh.id);
    expect((await gql(grader.viewer, set, { slug, q: 1 })).data!.updateClassSettings.dailyQuota).toBe(1);
    expect((await gql(fresh.viewer, submit, { slug, arch: MLP })).errors).toBeUndefined();
    const over = await gql(fresh.viewer, submit, { slug, arch: MLP });
    expect(errorCode(over)).toBe("BAD_USER_INPUT");
    expect(over.errors![0]!.message).toMatch(/today's 1 submissions/);

    const past = new Date(Date.now() - 60_000).toISOString();
    const withDeadline = await gql(grader.viewer, set, { slug, q: 10, d: past });
    expect(withDeadline.data!.updateClassSettings).toEqual({ dailyQuota: 10, deadline: past });
    const late = await gql(fresh.viewer, submit, { slug, arch: MLP });
    expect(late.errors![0]!.message).toMatch(/deadline .* passed/);
    expect((await gql(grader.viewer, submit, { slug, arch: MLP })).errors).toBeUndefined();
    // Omitting the deadline keeps it; an explicit null clears it.
    expect((await gql(grader.viewer, set, { slug, q: 5 })).data!.updateClassSettings.deadline).toBe(past);
    expect((await gql(grader.viewer, set, { slug, d: null })).data!.updateClassSettings.deadline).toBeNull();
    expect(errorCode(await gql(grader.viewer, set, { slug, q: -1 }))).toBe("BAD_USER_INPUT");
  });

  it("never leaves a class without an owner", async () => {
    const set = `mutation($slug: String!, $u: ID!, $r: Role!) { setMemberRole(classSlug: $slug, userId: $u, role: $r) { role } }`;
    const alone = await gql(owner.viewer, set, { slug, u: owner.id, r: "GRADER" });
    expect(errorCode(alone)).toBe("BAD_USER_INPUT");
    expect(alone.errors![0]!.message).toMatch(/needs an owner/);
    expect(
      errorCode(
        await gql(owner.viewer, `mutation($slug: String!, $u: ID!) { removeMember(classSlug: $slug, userId: $u) }`, {
          slug,
          u: owner.id,
        }),
      ),
    ).toBe("BAD_USER_INPUT");

    expect((await gql(owner.viewer, set, { slug, u: grader.id, r: "OWNER" })).data!.setMemberRole.role).toBe("OWNER");
    // Two owners demoting each other at once: exactly one succeeds.
    const [a, b] = await Promise.all([
      gql(owner.viewer, set, { slug, u: grader.id, r: "GRADER" }),
      gql(grader.viewer, set, { slug, u: owner.id, r: "GRADER" }),
    ]);
    expect([a.errors, b.errors].filter(Boolean)).toHaveLength(1);
    const owners = await db.membership.count({ where: { classId, role: "OWNER" } });
    expect(owners).toBe(1);
    // Restore: whoever is owner makes the original owner owner again, and the grader grader.
    const remaining = (
      await db.membership.findFirstOrThrow({ where: { classId, role: "OWNER" }, select: { userId: true } })
    ).userId;
    const boss = remaining === owner.id ? owner : grader;
    await gql(boss.viewer, set, { slug, u: owner.id, r: "OWNER" });
    await gql(owner.viewer, set, { slug, u: grader.id, r: "GRADER" });
    const roster = await gql(owner.viewer, `query($slug: String!) { roster(classSlug: $slug) { userId role } }`, {
      slug,
    });
    expect(roster.data!.roster.find((m: { userId: string }) => m.userId === owner.id).role).toBe("OWNER");
    expect(roster.data!.roster.find((m: { userId: string }) => m.userId === grader.id).role).toBe("GRADER");
  });

  it("exports the leaderboard (best or all) and every result as CSV, defusing formulas", async () => {
    await addScoredSubmission(student.id, classId, 'csv, "quoted"', 2);
    await addScoredSubmission(student.id, classId, "csv worse", 3);
    await addScoredSubmission(other.id, classId, "other's", 5);
    const csv = async (viewer: U["viewer"], mode: string) =>
      (
        await gql(viewer, `query($slug: String!, $m: LeaderboardMode) { leaderboardCsv(classSlug: $slug, mode: $m) }`, {
          slug,
          m: mode,
        })
      ).data!.leaderboardCsv as string;
    const best = (await csv(student.viewer, "BEST")).trimEnd().split("\r\n");
    expect(best[0]).toBe(
      "rank,student_id,student,submission_id,submission,public_accuracy,private_accuracy,params,epochs,train_seconds,submitted_at,final,change_since_previous_best",
    );
    expect(best).toHaveLength(1 + 2);
    expect(best[1]).toContain(`"'=cmd|' /C calc'!A0"`.replace(/^"|"$/g, ""));
    expect(best[1]).toContain(`"csv, ""quoted"""`);
    // The student's copy leaves the private column empty; the grader's has it.
    expect(best[1]!.split(",").at(-7)).toBe("");
    const all = (await csv(grader.viewer, "ALL")).trimEnd().split("\r\n");
    expect(all.length).toBeGreaterThan(best.length);
    const results = (await gql(grader.viewer, `query($slug: String!) { resultsCsv(classSlug: $slug) }`, { slug })).data!
      .resultsCsv as string;
    const lines = results.trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^submission_id,student_id,student,email,submission,status/);
    const count = await db.submission.count({ where: { classId } });
    expect(lines).toHaveLength(1 + count);
  });
});
