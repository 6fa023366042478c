import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifacts } from "@/lib/server/artifacts/store";
import { db } from "@/lib/server/db";
import { removeMember } from "@/lib/server/services/grading/roles";
import type { Viewer } from "@/lib/server/viewer";
import { errorCode, gql, makeUser } from "../helpers/fixtures";
import {
  addMember,
  addPlainSubmission,
  addScoredSubmission,
  createClassAs,
  discardQueuedWork,
  MLP,
  tokenViewer,
} from "../helpers/grading";

// Every GraphQL operation against every kind of caller. The expected outcome is written out in
// full for each cell, so adding an operation means deciding who may run it, here, in the open.

const VIEWERS = [
  "anonymous",
  "student",
  "otherStudent",
  "grader",
  "owner",
  "readToken",
  "writeToken",
  "otherClassToken",
] as const;
type ViewerName = (typeof VIEWERS)[number];
type Outcome = "ok" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND";

const OK: Outcome = "ok";
const U: Outcome = "UNAUTHENTICATED";
const F: Outcome = "FORBIDDEN";
const N: Outcome = "NOT_FOUND";

interface Operation {
  name: string;
  query: string;
  /** Fresh variables per call: mutations that change state get their own row to act on. */
  vars: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Outcomes in the order of VIEWERS. */
  expect: [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];
}

afterAll(discardQueuedWork);

describe("access matrix: every operation × every kind of caller", () => {
  const viewers = {} as Record<ViewerName, Viewer>;
  let slug: string;
  let classId: string;
  let ownerViewer: Viewer;
  let studentId: string;
  let classmateId: string;
  let ownSubmission: string;
  let ownQueued: string;
  let classmateQueued: string;
  let classmateSubmission: string;
  let ownerDummyToken: string;

  beforeAll(async () => {
    const [owner, grader, student, classmate, otherStudent] = await Promise.all([
      makeUser("Matrix Owner"),
      makeUser("Matrix Grader"),
      makeUser("Matrix Student"),
      makeUser("Matrix Classmate"),
      makeUser("Matrix Other"),
    ]);
    const a = await createClassAs(owner.viewer, "Matrix A");
    const b = await createClassAs(owner.viewer, "Matrix B");
    ({ slug, id: classId } = a);
    ownerViewer = owner.viewer;
    await addMember(classId, grader.id, "GRADER");
    await addMember(classId, student.id);
    await addMember(classId, classmate.id);
    await addMember(b.id, otherStudent.id);
    studentId = student.id;
    classmateId = classmate.id;
    ownSubmission = (await addScoredSubmission(student.id, classId, "mine")).id;
    classmateSubmission = (await addScoredSubmission(classmate.id, classId, "theirs", 3)).id;
    ownQueued = await addPlainSubmission(student.id, classId, "QUEUED");
    classmateQueued = await addPlainSubmission(classmate.id, classId, "QUEUED");
    // The tokens belong to the owner, so whatever they are refused is refused by the token's limits.
    const read = await tokenViewer(owner.viewer, { name: "read", scopes: ["READ"] });
    const write = await tokenViewer(owner.viewer, { name: "write", scopes: ["READ", "WRITE"] });
    const otherClass = await tokenViewer(owner.viewer, {
      name: "class B",
      scopes: ["READ", "WRITE"],
      classSlug: b.slug,
    });
    ownerDummyToken = (await tokenViewer(owner.viewer, { name: "to revoke" })).id;
    Object.assign(viewers, {
      anonymous: { kind: "anonymous" },
      student: student.viewer,
      otherStudent: otherStudent.viewer,
      grader: grader.viewer,
      owner: owner.viewer,
      readToken: read.viewer,
      writeToken: write.viewer,
      otherClassToken: otherClass.viewer,
    } satisfies Record<ViewerName, Viewer>);
  });

  // A second succeeded run of the student's for compareSubmissions, made on first use.
  let ownSecond: string | undefined;
  const ownSecondScored = async () =>
    (ownSecond ??= (await addScoredSubmission(studentId, classId, "mine, again", 3)).id);

  const operations: Operation[] = [
    // ---- queries
    {
      name: "class",
      query: `query($slug: String!) { class(slug: $slug) { id } }`,
      vars: () => ({ slug }),
      expect: [U, OK, F, OK, OK, OK, OK, F],
    },
    { name: "classes", query: `{ classes { id } }`, vars: () => ({}), expect: [U, OK, OK, OK, OK, OK, OK, OK] },
    {
      name: "quota",
      query: `query($slug: String!) { quota(classSlug: $slug) { remaining } }`,
      vars: () => ({ slug }),
      expect: [U, OK, F, OK, OK, OK, OK, F],
    },
    {
      name: "submissions (own or all)",
      query: `query($slug: String!) { submissions(classSlug: $slug) { id } }`,
      vars: () => ({ slug }),
      expect: [U, OK, F, OK, OK, OK, OK, F],
    },
    {
      name: "searchSubmissions (own or all)",
      query: `query($slug: String!) { searchSubmissions(classSlug: $slug) { totalCount } }`,
      vars: () => ({ slug }),
      expect: [U, OK, F, OK, OK, OK, OK, F],
    },
    {
      name: "searchSubmissions of a classmate",
      query: `query($slug: String!, $s: ID) { searchSubmissions(classSlug: $slug, studentId: $s) { totalCount } }`,
      vars: () => ({ slug, s: classmateId }),
      expect: [U, F, F, OK, OK, OK, OK, F],
    },
    {
      name: "submission (own)",
      query: `query($id: ID!) { submission(id: $id) { id result { testAccuracy } } }`,
      vars: () => ({ id: ownSubmission }),
      expect: [U, OK, F, OK, OK, OK, OK, F],
    },
    {
      name: "submission (classmate's)",
      query: `query($id: ID!) { submission(id: $id) { id } }`,
      vars: () => ({ id: classmateSubmission }),
      expect: [U, F, F, OK, OK, OK, OK, F],
    },
    {
      name: "submission's queuePosition and etaSeconds (own, queued)",
      query: `query($id: ID!) { submission(id: $id) { queuePosition etaSeconds } }`,
      vars: () => ({ id: ownQueued }),
      expect: [U, OK, F, OK, OK, OK, OK, F],
    },
    {
      name: "submission's queuePosition and etaSeconds (classmate's, queued)",
      query: `query($id: ID!) { submission(id: $id) { queuePosition etaSeconds } }`,
      vars: () => ({ id: classmateQueued }),
      expect: [U, F, F, OK, OK, OK, OK, F],
    },
    {
      // The platform's workers, shared by every class: a grader or owner of any class (the
      // class-B token's owner owns class B), never a student.
      name: "workers",
      query: `{ workers { id host backend state currentSubmissionId lastHeartbeatAt jobsDone } }`,
      vars: () => ({}),
      expect: [U, F, F, OK, OK, OK, OK, OK],
    },
    {
      name: "leaderboard",
      query: `query($slug: String!) { leaderboard(classSlug: $slug) { rank } }`,
      vars: () => ({ slug }),
      expect: [U, OK, F, OK, OK, OK, OK, F],
    },
    {
      name: "leaderboard ranked by the private half",
      query: `query($slug: String!) { leaderboard(classSlug: $slug, rankBy: PRIVATE) { rank } }`,
      vars: () => ({ slug }),
      expect: [U, F, F, OK, OK, OK, OK, F],
    },
    {
      name: "leaderboard's change since each student's previous best",
      query: `query($slug: String!) { leaderboard(classSlug: $slug, mode: ALL) { previousBest changeSincePreviousBest } }`,
      vars: () => ({ slug }),
      expect: [U, OK, F, OK, OK, OK, OK, F],
    },
    {
      name: "leaderboardCsv",
      query: `query($slug: String!) { leaderboardCsv(classSlug: $slug) }`,
      vars: () => ({ slug }),
      expect: [U, OK, F, OK, OK, OK, OK, F],
    },
    {
      name: "resultsCsv",
      query: `query($slug: String!) { resultsCsv(classSlug: $slug) }`,
      vars: () => ({ slug }),
      expect: [U, F, F, OK, OK, OK, OK, F],
    },
    {
      name: "roster",
      query: `query($slug: String!) { roster(classSlug: $slug) { email role } }`,
      vars: () => ({ slug }),
      expect: [U, F, F, OK, OK, OK, OK, F],
    },
    {
      name: "predictionExamples (own)",
      query: `query($id: ID!) { predictionExamples(submissionId: $id, trueClass: 0, predictedClass: 1) { total } }`,
      vars: () => ({ id: ownSubmission }),
      expect: [U, OK, F, OK, OK, OK, OK, F],
    },
    {
      name: "predictionExamples (classmate's)",
      query: `query($id: ID!) { predictionExamples(submissionId: $id, trueClass: 0, predictedClass: 1) { total } }`,
      vars: () => ({ id: classmateSubmission }),
      expect: [U, F, F, OK, OK, OK, OK, F],
    },
    {
      name: "removedMembers",
      query: `query($slug: String!) { removedMembers(classSlug: $slug) { userId formerRole } }`,
      vars: () => ({ slug }),
      expect: [U, F, F, OK, OK, OK, OK, F],
    },
    { name: "apiTokens", query: `{ apiTokens { id } }`, vars: () => ({}), expect: [U, OK, OK, OK, OK, F, F, F] },
    {
      // One's own notices: every signed-in person has theirs (a class-limited token: its class's).
      name: "notices",
      query: `{ notices { unreadCount nodes { id kind submissionId submissionName classSlug className accuracy failureReason createdAt readAt } } }`,
      vars: () => ({}),
      expect: [U, OK, OK, OK, OK, OK, OK, OK],
    },
    {
      name: "compareSubmissions (two of the student's own)",
      query: `query($ids: [ID!]!) { compareSubmissions(ids: $ids) { submissions { id result { scope } } pairs { otherId } } }`,
      vars: async () => ({ ids: [ownSubmission, await ownSecondScored()] }),
      expect: [U, OK, F, OK, OK, OK, OK, F],
    },
    {
      name: "compareSubmissions (the student's and a classmate's, architectures hidden)",
      query: `query($ids: [ID!]!) { compareSubmissions(ids: $ids) { submissions { id } } }`,
      vars: () => ({ ids: [ownSubmission, classmateSubmission] }),
      expect: [U, F, F, OK, OK, OK, OK, F],
    },
    // Class analytics: members of the class, each view alike (what they see differs: analytics.test.ts).
    ...[
      "scope showsNames",
      "points { who mine accuracy flops depth }",
      "paretoFront(cost: FLOPS) { who accuracy }",
      "byDay { day best median }",
      "confusedPairs(limit: 3) { scope runs pairs { trueName predictedName count } }",
    ].map(
      (selection): Operation => ({
        name: `classAnalytics { ${selection.split(/[ ({]/)[0]} }`,
        query: `query($slug: String!) { classAnalytics(classSlug: $slug) { ${selection} } }`,
        vars: () => ({ slug }),
        expect: [U, OK, F, OK, OK, OK, OK, F],
      }),
    ),
    // ---- mutations
    {
      name: "submit",
      query: `mutation($slug: String!, $arch: JSON!) { submit(classSlug: $slug, name: "matrix", architecture: $arch) { id } }`,
      vars: () => ({ slug, arch: MLP }),
      expect: [U, OK, F, OK, OK, F, OK, F],
    },
    {
      name: "cancelSubmission (the student's queued run)",
      query: `mutation($id: ID!) { cancelSubmission(id: $id) { status } }`,
      vars: async () => ({ id: await addPlainSubmission(studentId, classId, "QUEUED") }),
      expect: [U, OK, F, OK, OK, F, OK, F],
    },
    {
      // Only the author selects: graders see selections, never make them; the tokens are the owner's.
      name: "selectFinal (the student's succeeded run)",
      query: `mutation($id: ID!) { selectFinal(submissionId: $id, final: true) { isFinal } }`,
      vars: async () => ({ id: (await addScoredSubmission(studentId, classId, "final pick")).id }),
      expect: [U, OK, F, F, F, F, F, F],
    },
    {
      name: "retrainSubmission (the student's failed run)",
      query: `mutation($id: ID!) { retrainSubmission(id: $id) { status } }`,
      vars: async () => ({ id: await addPlainSubmission(studentId, classId, "FAILED") }),
      expect: [U, F, F, OK, OK, F, OK, F],
    },
    {
      name: "reevaluateSubmission (the student's succeeded run with a stored model)",
      query: `mutation($id: ID!) { reevaluateSubmission(id: $id) { result { reevaluating } } }`,
      vars: async () => {
        const { id } = await addScoredSubmission(studentId, classId, "re-evaluated");
        // The service checks that a model is stored; the queued job is discarded after the file.
        await artifacts.put(id, "MODEL", new Uint8Array(16));
        return { id };
      },
      expect: [U, F, F, OK, OK, F, OK, F],
    },
    {
      name: "rescoreSubmission (the student's failed run)",
      query: `mutation($id: ID!) { rescoreSubmission(id: $id) { status } }`,
      vars: async () => ({ id: await addPlainSubmission(studentId, classId, "FAILED") }),
      expect: [U, F, F, OK, OK, F, OK, F],
    },
    {
      name: "updateClassSettings",
      query: `mutation($slug: String!) { updateClassSettings(classSlug: $slug, dailyQuota: 50) { dailyQuota } }`,
      vars: () => ({ slug }),
      expect: [U, F, F, OK, OK, F, OK, F],
    },
    {
      name: "revealPrivateLeaderboard",
      query: `mutation($slug: String!) { revealPrivateLeaderboard(classSlug: $slug, revealed: false) { privateRevealed } }`,
      vars: () => ({ slug }),
      expect: [U, F, F, OK, OK, F, OK, F],
    },
    {
      name: "setMemberRole",
      query: `mutation($slug: String!, $u: ID!) { setMemberRole(classSlug: $slug, userId: $u, role: STUDENT) { role } }`,
      vars: () => ({ slug, u: classmateId }),
      expect: [U, F, F, F, OK, F, OK, F],
    },
    {
      name: "removeMember",
      query: `mutation($slug: String!, $u: ID!) { removeMember(classSlug: $slug, userId: $u) }`,
      vars: async () => {
        const extra = await makeUser("Matrix Extra");
        await addMember(classId, extra.id);
        return { slug, u: extra.id };
      },
      expect: [U, F, F, F, OK, F, OK, F],
    },
    {
      name: "readmitMember (someone the owner removed)",
      query: `mutation($slug: String!, $u: ID!) { readmitMember(classSlug: $slug, userId: $u) { role } }`,
      vars: async () => {
        const extra = await makeUser("Matrix Removed");
        await addMember(classId, extra.id);
        await removeMember(ownerViewer, { classSlug: slug, userId: extra.id });
        return { slug, u: extra.id };
      },
      expect: [U, F, F, F, OK, F, OK, F],
    },
    {
      name: "rotateJoinCode",
      query: `mutation($slug: String!) { rotateJoinCode(classSlug: $slug) { joinCode } }`,
      vars: () => ({ slug }),
      expect: [U, F, F, OK, OK, F, OK, F],
    },
    {
      name: "createClass",
      query: `mutation { createClass(name: "Matrix extra class") { id } }`,
      vars: () => ({}),
      expect: [U, OK, OK, OK, OK, F, OK, F],
    },
    {
      name: "joinClass",
      query: `mutation($code: String!) { joinClass(code: $code) { id } }`,
      // Read at each call: rotateJoinCode above replaced the code the class was created with.
      vars: async () => ({
        code: (await db.class.findUniqueOrThrow({ where: { id: classId }, select: { joinCode: true } })).joinCode,
      }),
      expect: [U, OK, OK, OK, OK, F, OK, F],
    },
    {
      name: "markNoticesRead (one's own)",
      query: `mutation { markNoticesRead }`,
      vars: () => ({}),
      expect: [U, OK, OK, OK, OK, F, OK, OK],
    },
    {
      name: "createApiToken",
      query: `mutation { createApiToken(name: "matrix") { token } }`,
      vars: () => ({}),
      expect: [U, OK, OK, OK, OK, F, F, F],
    },
    {
      name: "revokeApiToken (the owner's)",
      query: `mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`,
      vars: () => ({ id: ownerDummyToken }),
      expect: [U, N, N, N, OK, F, F, F],
    },
  ];

  it("covers every field of Query and Mutation", async () => {
    const { schema } = await import("@/graphql/schema");
    const covered = new Set(operations.map((op) => /\{\s*(\w+)/.exec(op.query.replace(/^[^{]*/, ""))![1]));
    const fields = [
      ...Object.keys(schema.getQueryType()!.getFields()),
      ...Object.keys(schema.getMutationType()!.getFields()),
    ];
    // `me` answers null for anonymous and is exercised in api.test.ts.
    expect(fields.filter((f) => f !== "me" && !covered.has(f))).toEqual([]);
  });

  it.each(operations)("$name", async (op) => {
    const actual: Record<string, Outcome | string> = {};
    const expected: Record<string, Outcome> = {};
    for (const [i, name] of VIEWERS.entries()) {
      const result = await gql(viewers[name], op.query, await op.vars());
      actual[name] = result.errors ? String(errorCode(result)) : OK;
      expected[name] = op.expect[i]!;
      if (!result.errors) expect(result.data).toBeTruthy();
    }
    expect(actual).toEqual(expected);
  });

  it("shows final selections: the author's own, and on the board with the private scores", async () => {
    const { id } = await addScoredSubmission(classmateId, classId, "classmate's final", 4);
    await db.submission.update({ where: { id }, data: { finalSelectedAt: new Date() } });
    const klass = `query($slug: String!) { class(slug: $slug) { finalSelectionsMax } }`;
    expect((await gql(viewers.student, klass, { slug })).data!.class.finalSelectionsMax).toBe(2);
    const own = `query($id: ID!) { submission(id: $id) { isFinal } }`;
    expect((await gql(viewers.student, own, { id: ownSubmission })).data!.submission.isFinal).toBe(false);
    expect((await gql(viewers.grader, own, { id })).data!.submission.isFinal).toBe(true);
    const board = `query($slug: String!) { leaderboard(classSlug: $slug, mode: ALL) { submissionId isFinal } }`;
    const finalOf = (rows: { submissionId: string; isFinal: boolean | null }[]) =>
      rows.find((r) => r.submissionId === id)?.isFinal;
    // Before the reveal a student sees no selection on the board (the private half's business).
    expect(finalOf((await gql(viewers.student, board, { slug })).data!.leaderboard)).toBeNull();
    expect(finalOf((await gql(viewers.grader, board, { slug })).data!.leaderboard)).toBe(true);
    expect(finalOf((await gql(viewers.readToken, board, { slug })).data!.leaderboard)).toBe(true);
    await db.class.update({ where: { id: classId }, data: { privateRevealed: true } });
    expect(finalOf((await gql(viewers.student, board, { slug })).data!.leaderboard)).toBe(true);
    await db.class.update({ where: { id: classId }, data: { privateRevealed: false } });
    const finals = `query($slug: String!) { searchSubmissions(classSlug: $slug, final: true) { nodes { id author { id } } } }`;
    const byGrader = (await gql(viewers.grader, finals, { slug })).data!.searchSubmissions.nodes;
    expect(byGrader.map((n: { id: string }) => n.id)).toContain(id);
    // A student's search stays their own, final or not.
    const byStudent = (await gql(viewers.student, finals, { slug })).data!.searchSubmissions.nodes;
    expect(byStudent.every((n: { author: { id: string } }) => n.author.id === studentId)).toBe(true);
    await db.submission.update({ where: { id }, data: { finalSelectedAt: null } });
  });

  it("shows students their own submissions in full and others' only as leaderboard rows", async () => {
    const list = await gql(
      viewers.student,
      `query($slug: String!) { submissions(classSlug: $slug) { author { id } } }`,
      { slug },
    );
    expect(new Set(list.data!.submissions.map((s: { author: { id: string } }) => s.author.id))).toEqual(
      new Set([studentId]),
    );
    const board = await gql(
      viewers.student,
      `query($slug: String!) { leaderboard(classSlug: $slug) { submissionId student { id } architecture } }`,
      { slug },
    );
    expect(board.data!.leaderboard.map((r: { student: { id: string } }) => r.student.id).sort()).toEqual(
      [studentId, classmateId].sort(),
    );
    // Architectures stay hidden (even one's own, on the board) until a grader shows them.
    expect(board.data!.leaderboard.every((r: { architecture: unknown }) => r.architecture === null)).toBe(true);
    const asGrader = await gql(
      viewers.grader,
      `query($slug: String!) { leaderboard(classSlug: $slug) { architecture } }`,
      { slug },
    );
    expect(asGrader.data!.leaderboard[0].architecture).toEqual(MLP);

    await gql(
      viewers.owner,
      `mutation($slug: String!) { updateClassSettings(classSlug: $slug, showArchitectures: true) { showArchitectures } }`,
      { slug },
    );
    const shown = await gql(
      viewers.student,
      `query($slug: String!) { leaderboard(classSlug: $slug) { architecture } }`,
      { slug },
    );
    expect(shown.data!.leaderboard.map((r: { architecture: unknown }) => r.architecture)).toEqual([MLP, MLP]);
    await db.class.update({ where: { id: classId }, data: { showArchitectures: false } });
  });
});
