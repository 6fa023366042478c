import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { joinClass } from "@/lib/server/services/classes";
import { removeMember } from "@/lib/server/services/grading/roles";
import { errorCode, gql, makeUser } from "../helpers/fixtures";
import { addMember, addScoredSubmission, createClassAs } from "../helpers/grading";

// Class membership as graders run it: a removal lasts until an owner re-admits the person, the
// join code can be rotated and can expire. Through the real schema, services and database.

type U = Awaited<ReturnType<typeof makeUser>>;

const JOIN = `mutation($code: String!) { joinClass(code: $code) { slug myRole } }`;
const REMOVE = `mutation($slug: String!, $u: ID!) { removeMember(classSlug: $slug, userId: $u) }`;
const READMIT = `mutation($slug: String!, $u: ID!) { readmitMember(classSlug: $slug, userId: $u) { userId role submissionCount } }`;
const REMOVED = `query($slug: String!) { removedMembers(classSlug: $slug) {
  userId name email formerRole removedAt removedBy { id name } submissionCount } }`;
const ROSTER = `query($slug: String!) { roster(classSlug: $slug) { userId role } }`;
const ROTATE = `mutation($slug: String!) { rotateJoinCode(classSlug: $slug) { joinCode joinCodeExpiresAt } }`;
const SETTINGS = `mutation($slug: String!, $at: DateTime) {
  updateClassSettings(classSlug: $slug, joinCodeExpiresAt: $at) { joinCodeExpiresAt } }`;
const CLASS = `query($slug: String!) { class(slug: $slug) { joinCode joinCodeExpiresAt } }`;
const OPEN_CLASS = `query($slug: String!) { class(slug: $slug) { slug } }`;

async function isMember(classId: string, userId: string): Promise<boolean> {
  return (await db.membership.count({ where: { classId, userId } })) === 1;
}

describe("removal lasts until an owner re-admits", () => {
  let owner: U;
  let grader: U;
  let slug: string;
  let classId: string;
  let joinCode: string;

  beforeAll(async () => {
    [owner, grader] = await Promise.all([makeUser("Rem Owner"), makeUser("Rem Grader")]);
    ({ slug, id: classId, joinCode } = await createClassAs(owner.viewer, "Removal Class"));
    await addMember(classId, grader.id, "GRADER");
  });

  it("refuses the removed student's join with a specific message, keeps their work, and re-admits them", async () => {
    const student = await makeUser("Rem Student");
    expect((await gql(student.viewer, JOIN, { code: joinCode })).data!.joinClass).toEqual({ slug, myRole: "STUDENT" });
    await addScoredSubmission(student.id, classId, "before removal");

    expect((await gql(owner.viewer, REMOVE, { slug, u: student.id })).data!.removeMember).toBe(true);
    expect(await isMember(classId, student.id)).toBe(false);
    expect(errorCode(await gql(student.viewer, OPEN_CLASS, { slug }))).toBe("FORBIDDEN");

    const refused = await gql(student.viewer, JOIN, { code: joinCode });
    expect(errorCode(refused)).toBe("FORBIDDEN");
    expect(refused.errors![0]!.message).toBe(
      "You were removed from “Removal Class”, so its join code no longer admits you. Ask the instructor to re-admit you.",
    );
    expect(await isMember(classId, student.id)).toBe(false);

    // Graders see who was removed, by whom, and that their submissions stayed.
    const removed = await gql(grader.viewer, REMOVED, { slug });
    expect(removed.errors).toBeUndefined();
    expect(removed.data!.removedMembers).toEqual([
      {
        userId: student.id,
        name: "Rem Student",
        email: student.email,
        formerRole: "STUDENT",
        removedAt: expect.any(String),
        removedBy: { id: owner.id, name: "Rem Owner" },
        submissionCount: 1,
      },
    ]);
    expect(await db.submission.count({ where: { classId, authorId: student.id } })).toBe(1);

    // Graders may not undo an owner's removal; the owner may.
    expect(errorCode(await gql(grader.viewer, READMIT, { slug, u: student.id }))).toBe("FORBIDDEN");
    const readmitted = await gql(owner.viewer, READMIT, { slug, u: student.id });
    expect(readmitted.data!.readmitMember).toEqual({ userId: student.id, role: "STUDENT", submissionCount: 1 });
    expect((await gql(grader.viewer, REMOVED, { slug })).data!.removedMembers).toEqual([]);
    expect((await gql(student.viewer, OPEN_CLASS, { slug })).errors).toBeUndefined();
    // Joining again (with the same code) is the harmless no-op it always was.
    expect((await gql(student.viewer, JOIN, { code: joinCode })).data!.joinClass.myRole).toBe("STUDENT");
    // Re-admitting someone who isn't removed, or removing them twice, names what is missing.
    expect(errorCode(await gql(owner.viewer, READMIT, { slug, u: student.id }))).toBe("NOT_FOUND");
    await gql(owner.viewer, REMOVE, { slug, u: student.id });
    expect(errorCode(await gql(owner.viewer, REMOVE, { slug, u: student.id }))).toBe("NOT_FOUND");
  });

  it("re-admits a removed grader as a student, with the former role on record", async () => {
    const ta = await makeUser("Rem TA");
    await addMember(classId, ta.id, "GRADER");
    await gql(owner.viewer, REMOVE, { slug, u: ta.id });
    expect(errorCode(await gql(ta.viewer, JOIN, { code: joinCode }))).toBe("FORBIDDEN");
    const listed = (await gql(owner.viewer, REMOVED, { slug })).data!.removedMembers;
    expect(listed.find((m: { userId: string }) => m.userId === ta.id).formerRole).toBe("GRADER");
    expect((await gql(owner.viewer, READMIT, { slug, u: ta.id })).data!.readmitMember.role).toBe("STUDENT");
    const roster = (await gql(owner.viewer, ROSTER, { slug })).data!.roster;
    expect(roster.find((m: { userId: string }) => m.userId === ta.id).role).toBe("STUDENT");
  });

  it("a removal racing a join never leaves the removed member in the class", async () => {
    for (let round = 0; round < 12; round++) {
      const student = await makeUser(`Race ${round}`);
      await joinClass(student.viewer, joinCode);
      const [removal, join] = await Promise.allSettled([
        removeMember(owner.viewer, { classSlug: slug, userId: student.id }),
        joinClass(student.viewer, joinCode),
      ]);
      expect(removal.status).toBe("fulfilled");
      // The join either ran first (a no-op for a member) or was refused as a removed member's.
      if (join.status === "rejected") expect(join.reason.code).toBe("FORBIDDEN");
      expect(await isMember(classId, student.id)).toBe(false);
      expect(await db.memberRemoval.count({ where: { classId, userId: student.id } })).toBe(1);
    }
  });

  it("joins the same person once when they click Join several times at once", async () => {
    const student = await makeUser("Double Click");
    const joins = await Promise.allSettled(Array.from({ length: 6 }, () => joinClass(student.viewer, joinCode)));
    expect(joins.map((j) => j.status)).toEqual(Array(6).fill("fulfilled"));
    expect(await isMember(classId, student.id)).toBe(true);
  });
});

describe("join codes: rotation and expiry", () => {
  let owner: U;
  let grader: U;
  let member: U;
  let slug: string;
  let classId: string;

  beforeAll(async () => {
    [owner, grader, member] = await Promise.all([makeUser("Code Owner"), makeUser("Code Grader"), makeUser("Code M")]);
    ({ slug, id: classId } = await createClassAs(owner.viewer, "Code Class"));
    await addMember(classId, grader.id, "GRADER");
    await addMember(classId, member.id);
  });

  const currentCode = async () =>
    (await db.class.findUniqueOrThrow({ where: { id: classId }, select: { joinCode: true } })).joinCode;

  it("rotating stops the old code at once and the new one admits; members stay", async () => {
    const old = await currentCode();
    const rotated = await gql(grader.viewer, ROTATE, { slug });
    expect(rotated.errors).toBeUndefined();
    const fresh = rotated.data!.rotateJoinCode.joinCode;
    expect(fresh).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(fresh).not.toBe(old);
    expect(await currentCode()).toBe(fresh);

    const late = await makeUser("Code Late");
    const refused = await gql(late.viewer, JOIN, { code: old });
    expect(errorCode(refused)).toBe("BAD_USER_INPUT");
    expect(refused.errors![0]!.message).toMatch(/No class has this join code/);
    expect((await gql(late.viewer, JOIN, { code: fresh })).data!.joinClass).toEqual({ slug, myRole: "STUDENT" });
    expect(await isMember(classId, member.id)).toBe(true);
    // Students neither rotate nor see the code.
    expect(errorCode(await gql(member.viewer, ROTATE, { slug }))).toBe("FORBIDDEN");
    expect((await gql(member.viewer, CLASS, { slug })).data!.class).toEqual({
      joinCode: null,
      joinCodeExpiresAt: null,
    });
  });

  it("a join that found the class before a rotation committed is refused, not let in on the old code", async () => {
    const old = await currentCode();
    const late = await makeUser("Code Racer");
    let join: Promise<unknown> | undefined;
    await db.$transaction(
      async (tx) => {
        await tx.class.update({ where: { id: classId }, data: { joinCode: "RACE2345" }, select: { id: true } });
        join = joinClass(late.viewer, old).catch((error: unknown) => error);
        // Commit only once the join is waiting on this transaction's row lock.
        const deadline = Date.now() + 10_000;
        for (;;) {
          const [{ waiting }] = await db.$queryRaw<{ waiting: number }[]>`
            SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`;
          if (waiting > 0) break;
          if (Date.now() > deadline) throw new Error("the join never waited on the rotation");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      { timeout: 20_000 },
    );
    const outcome = await join;
    expect(outcome).toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringMatching(/No class has this/) });
    expect(await isMember(classId, late.id)).toBe(false);
  });

  it("an expired code admits nobody new, says so, and leaves members in", async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const set = await gql(grader.viewer, SETTINGS, { slug, at: past });
    expect(set.data!.updateClassSettings.joinCodeExpiresAt).toBe(past);
    const code = await currentCode();

    const late = await makeUser("Code Expired");
    const refused = await gql(late.viewer, JOIN, { code });
    expect(errorCode(refused)).toBe("BAD_USER_INPUT");
    const message = "This join code has expired. Ask your instructor for a new one.";
    expect(refused.errors![0]!.message).toBe(message);
    expect(refused.errors![0]!.extensions!.issues).toEqual([{ path: "code", message }]);
    expect(await isMember(classId, late.id)).toBe(false);
    // A member typing the expired code is already in: nothing to refuse.
    expect((await gql(member.viewer, JOIN, { code })).data!.joinClass.myRole).toBe("STUDENT");
    expect(errorCode(await gql(member.viewer, SETTINGS, { slug, at: null }))).toBe("FORBIDDEN");

    // A future expiry admits; an explicit null clears it.
    const future = new Date(Date.now() + 3_600_000).toISOString();
    await gql(grader.viewer, SETTINGS, { slug, at: future });
    expect((await gql(late.viewer, JOIN, { code })).data!.joinClass.myRole).toBe("STUDENT");
    expect((await gql(grader.viewer, SETTINGS, { slug, at: null })).data!.updateClassSettings.joinCodeExpiresAt).toBe(
      null,
    );
    expect(errorCode(await gql(grader.viewer, SETTINGS, { slug, at: "not a date" }))).toBe("BAD_USER_INPUT");
  });

  it("rotation keeps an expiry still ahead and clears one that has passed", async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    await gql(owner.viewer, SETTINGS, { slug, at: future });
    expect((await gql(owner.viewer, ROTATE, { slug })).data!.rotateJoinCode.joinCodeExpiresAt).toBe(future);

    await gql(owner.viewer, SETTINGS, { slug, at: new Date(Date.now() - 1000).toISOString() });
    const rotated = (await gql(owner.viewer, ROTATE, { slug })).data!.rotateJoinCode;
    expect(rotated.joinCodeExpiresAt).toBeNull();
    const latecomer = await makeUser("Code Latecomer");
    expect((await gql(latecomer.viewer, JOIN, { code: rotated.joinCode })).data!.joinClass.myRole).toBe("STUDENT");
  });
});
