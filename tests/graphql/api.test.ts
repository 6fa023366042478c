import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { MLP } from "@/scripts/bench/large-class";
import { errorCode, gql, makeUser } from "../helpers/fixtures";

const CREATE = `mutation($name: String!) { createClass(name: $name) { id slug name myRole joinCode memberCount } }`;
const JOIN = `mutation($code: String!) { joinClass(code: $code) { slug myRole joinCode } }`;
const SUBMIT = `mutation($slug: String!, $name: String!, $arch: JSON!, $training: JSON) {
  submit(classSlug: $slug, name: $name, architecture: $arch, training: $training) { id name status author { name } classSlug }
}`;

describe("GraphQL API against the real database", () => {
  let owner: Awaited<ReturnType<typeof makeUser>>;
  let student: Awaited<ReturnType<typeof makeUser>>;
  let outsider: Awaited<ReturnType<typeof makeUser>>;
  let slug: string;
  let joinCode: string;

  beforeAll(async () => {
    [owner, student, outsider] = await Promise.all([
      makeUser("Olive Owner"),
      makeUser("Sam Student"),
      makeUser("Otto Outsider"),
    ]);
    const created = await gql(owner.viewer, CREATE, { name: "Deep Learning 101" });
    expect(created.errors).toBeUndefined();
    slug = created.data!.createClass.slug;
    joinCode = created.data!.createClass.joinCode;
  });

  it("answers { __typename } and me for anonymous and signed-in viewers", async () => {
    expect((await gql(null, "{ __typename }")).data).toEqual({ __typename: "Query" });
    expect((await gql(null, "{ me { id } }")).data).toEqual({ me: null });
    const me = await gql(owner.viewer, "{ me { id name email } }");
    expect(me.data!.me).toEqual({ id: owner.id, name: "Olive Owner", email: owner.email });
  });

  it("creates a class with the creator as owner, a readable slug and a join code", async () => {
    const created = await gql(owner.viewer, CREATE, { name: "Deep Learning 101" });
    const c = created.data!.createClass;
    expect(c.myRole).toBe("OWNER");
    expect(c.slug).toMatch(/^deep-learning-101-[a-z0-9]{4}$/); // the plain slug is taken by beforeAll
    expect(c.joinCode).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(c.memberCount).toBe(1);
  });

  it("lets a student join by code (case and spaces forgiven) without seeing the join code", async () => {
    const spaced = `${joinCode.slice(0, 4).toLowerCase()} ${joinCode.slice(4)}`;
    const joined = await gql(student.viewer, JOIN, { code: spaced });
    expect(joined.errors).toBeUndefined();
    expect(joined.data!.joinClass).toEqual({ slug, myRole: "STUDENT", joinCode: null });
    // Joining again is harmless and the owner is never demoted by joining their own class.
    expect((await gql(student.viewer, JOIN, { code: joinCode })).data!.joinClass.myRole).toBe("STUDENT");
    expect((await gql(owner.viewer, JOIN, { code: joinCode })).data!.joinClass.myRole).toBe("OWNER");
    const classes = await gql(student.viewer, "{ classes { slug myRole } }");
    expect(classes.data!.classes).toEqual([{ slug, myRole: "STUDENT" }]);
  });

  it("rejects a wrong join code with BAD_USER_INPUT naming the field", async () => {
    const result = await gql(outsider.viewer, JOIN, { code: "ZZZZZZZZ" });
    expect(errorCode(result)).toBe("BAD_USER_INPUT");
    expect(result.errors![0]!.extensions!.issues).toEqual([{ path: "code", message: "No class has this join code." }]);
    expect(errorCode(await gql(outsider.viewer, JOIN, { code: "short" }))).toBe("BAD_USER_INPUT");
  });

  it("stores a QUEUED submission and shows it to its author and graders only", async () => {
    const submitted = await gql(student.viewer, SUBMIT, {
      slug,
      name: "my mlp",
      arch: MLP,
      training: { optimizer: "adam" },
    });
    expect(submitted.errors).toBeUndefined();
    const s = submitted.data!.submit;
    expect(s).toMatchObject({ name: "my mlp", status: "QUEUED", author: { name: "Sam Student" }, classSlug: slug });
    const row = await db.submission.findUniqueOrThrow({
      where: { id: s.id },
      select: { architecture: true, training: true },
    });
    expect(row.architecture).toEqual(MLP);
    // Stored normalised: the defaults the trainer will use are written down with the submission.
    expect(row.training).toMatchObject({ optimizer: "adam", learningRate: 0.001, batchSize: 32, validationSplit: 0.1 });

    const mine = await gql(student.viewer, `query($slug: String!) { submissions(classSlug: $slug) { id } }`, { slug });
    expect(mine.data!.submissions.map((x: { id: string }) => x.id)).toContain(s.id);
    const graderView = await gql(owner.viewer, `query($id: ID!) { submission(id: $id) { id architecture } }`, {
      id: s.id,
    });
    expect(graderView.data!.submission.architecture).toEqual(MLP);
    expect(errorCode(await gql(outsider.viewer, `query($id: ID!) { submission(id: $id) { id } }`, { id: s.id }))).toBe(
      "FORBIDDEN",
    );
  });

  it("accepts architecture JSON as text (pasted model.to_json()) and rejects malformed JSON by field", async () => {
    const asText = await gql(student.viewer, SUBMIT, { slug, name: "pasted", arch: JSON.stringify(MLP) });
    expect(asText.errors).toBeUndefined();
    const bad = await gql(student.viewer, SUBMIT, { slug, name: "broken", arch: '{"class_name": "Sequential",' });
    expect(errorCode(bad)).toBe("BAD_USER_INPUT");
    expect((bad.errors![0]!.extensions!.issues as Array<{ path: string }>)[0]!.path).toBe("architecture");
    const notObject = await gql(student.viewer, SUBMIT, { slug, name: "array", arch: [1, 2, 3] });
    expect(errorCode(notObject)).toBe("BAD_USER_INPUT");
    const noName = await gql(student.viewer, SUBMIT, { slug, name: "   ", arch: MLP });
    expect((noName.errors![0]!.extensions!.issues as Array<{ path: string }>)[0]!.path).toBe("name");
  });

  it("gives FORBIDDEN to a non-member and UNAUTHENTICATED to anonymous on every class operation", async () => {
    const ops: Array<[string, Record<string, unknown>]> = [
      [`query($slug: String!) { class(slug: $slug) { id } }`, { slug }],
      [`query($slug: String!) { submissions(classSlug: $slug) { id } }`, { slug }],
      [`query($slug: String!) { leaderboard(classSlug: $slug) { rank } }`, { slug }],
      [SUBMIT, { slug, name: "sneaky", arch: MLP }],
    ];
    for (const [query, variables] of ops) {
      expect(errorCode(await gql(outsider.viewer, query, variables))).toBe("FORBIDDEN");
      expect(errorCode(await gql(null, query, variables))).toBe("UNAUTHENTICATED");
    }
    expect(errorCode(await gql(null, "{ classes { id } }"))).toBe("UNAUTHENTICATED");
    expect(errorCode(await gql(owner.viewer, `{ class(slug: "no-such-class") { id } }`))).toBe("NOT_FOUND");
  });

  it("ranks each student's best succeeded result on the leaderboard", async () => {
    const second = await makeUser("Sue Second");
    await gql(second.viewer, JOIN, { code: joinCode });
    const classId = (await db.class.findUniqueOrThrow({ where: { slug }, select: { id: true } })).id;
    const addResult = async (authorId: string, name: string, accuracy: number) => {
      const submission = await db.submission.create({
        data: {
          authorId,
          classId,
          name,
          architecture: MLP,
          training: {},
          status: "SUCCEEDED",
          startedAt: new Date(),
          finishedAt: new Date(),
        },
        select: { id: true },
      });
      await db.result.create({
        data: {
          submissionId: submission.id,
          testAccuracy: accuracy,
          testLoss: 0.4,
          publicAccuracy: accuracy,
          privateAccuracy: accuracy - 0.01,
          confusionMatrix: Array.from({ length: 10 }, () => Array<number>(10).fill(100)),
          history: [],
          paramCount: 101_770,
          epochs: 3,
          backend: "wasm",
          trainDurationMs: 1000,
          evalDurationMs: 100,
        },
      });
    };
    await addResult(student.id, "first try", 0.85);
    await addResult(student.id, "better", 0.88);
    await addResult(second.id, "cnn", 0.91);
    const query = `query($slug: String!) { leaderboard(classSlug: $slug) { rank submissionName student { name } publicAccuracy privateAccuracy } }`;
    const asStudent = await gql(student.viewer, query, { slug });
    expect(asStudent.data!.leaderboard).toEqual([
      { rank: 1, submissionName: "cnn", student: { name: "Sue Second" }, publicAccuracy: 0.91, privateAccuracy: null },
      {
        rank: 2,
        submissionName: "better",
        student: { name: "Sam Student" },
        publicAccuracy: 0.88,
        privateAccuracy: null,
      },
    ]);
    // Graders see the private half's accuracy before it is revealed.
    const asOwner = await gql(owner.viewer, query, { slug });
    expect(asOwner.data!.leaderboard[0].privateAccuracy).toBeCloseTo(0.9);
  });

  it("masks unexpected errors instead of leaking internals", async () => {
    const result = await gql(owner.viewer, `query { submission(id: "${"x".repeat(5)}") { id } }`);
    expect(errorCode(result)).toBe("NOT_FOUND");
    expect(JSON.stringify(result.errors)).not.toMatch(/stack|prisma|at \w+ \(/i);
  });
});
