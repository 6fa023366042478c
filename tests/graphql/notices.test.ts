import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { removeMember } from "@/lib/server/services/grading/roles";
import { listNotices } from "@/lib/server/services/notices/list-notices";
import { markNoticesRead } from "@/lib/server/services/notices/mark-notices-read";
import { errorCode, gql, makeUser } from "../helpers/fixtures";
import { addMember, addPlainSubmission, addScoredSubmission, createClassAs, tokenViewer } from "../helpers/grading";

// In-app notices against a real database: the trigger writes one when a run's status becomes
// SUCCEEDED or FAILED (whoever writes it), never for other changes; each person reads and
// dismisses only their own; a class-limited token and a removed member see only what they may.

type User = Awaited<ReturnType<typeof makeUser>>;

/** Moves a submission through statuses as the worker's writes would (each an UPDATE). */
async function setStatus(id: string, status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED", failureReason?: string) {
  await db.submission.update({
    where: { id },
    data: {
      status,
      // What the table's checks ask of each status (its worker, its failure's kind, its times).
      workerId: status === "RUNNING" ? "notices-test:1" : null,
      failureReason: failureReason ?? null,
      failureKind: status === "FAILED" ? "MODEL" : null,
      startedAt: status === "QUEUED" ? null : new Date(Date.now() - 1000),
      finishedAt: status === "SUCCEEDED" || status === "FAILED" ? new Date() : null,
    },
    select: { id: true },
  });
}

const NOTICES = `query { notices { unreadCount nodes { id kind submissionName classSlug accuracy failureReason readAt } } }`;

describe("notices", () => {
  let owner: User;
  let alice: User;
  let bob: User;
  let a: { id: string; slug: string };
  let b: { id: string; slug: string };

  beforeAll(async () => {
    [owner, alice, bob] = await Promise.all([
      makeUser("Notice Owner"),
      makeUser("Notice Alice"),
      makeUser("Notice Bob"),
    ]);
    a = await createClassAs(owner.viewer, "Notices A");
    b = await createClassAs(owner.viewer, "Notices B");
    await addMember(a.id, alice.id);
    await addMember(b.id, alice.id);
    await addMember(a.id, bob.id);
  });

  it("is written when a run succeeds or fails, once per change, and never for other updates", async () => {
    const run = await addScoredSubmission(alice.id, a.id, "scored");
    // Inserted as SUCCEEDED (a fixture): no status change, no notice.
    expect(await db.notice.count({ where: { submissionId: run.id } })).toBe(0);
    await setStatus(run.id, "QUEUED");
    await setStatus(run.id, "RUNNING");
    expect(await db.notice.count({ where: { submissionId: run.id } })).toBe(0);
    await setStatus(run.id, "SUCCEEDED");
    // Writing the same status again, or any other column, adds nothing.
    await setStatus(run.id, "SUCCEEDED");
    await db.submission.update({ where: { id: run.id }, data: { finalSelectedAt: new Date() }, select: { id: true } });
    expect(await db.notice.findMany({ where: { submissionId: run.id }, select: { kind: true, userId: true } })).toEqual(
      [{ kind: "SUCCEEDED", userId: alice.id }],
    );

    const failing = await addPlainSubmission(alice.id, b.id, "QUEUED");
    await setStatus(failing, "RUNNING");
    await setStatus(failing, "FAILED", "NaN loss at epoch 2");
    const failed = await db.notice.findMany({ where: { submissionId: failing }, select: { kind: true } });
    expect(failed).toEqual([{ kind: "FAILED" }]);

    // Alice sees both, newest first, with what each says; Bob sees none of hers.
    const mine = await listNotices(alice.viewer);
    expect(mine.unreadCount).toBe(2);
    expect(mine.notices.map((n) => [n.kind, n.classSlug, n.failureReason])).toEqual([
      ["FAILED", b.slug, "NaN loss at epoch 2"],
      ["SUCCEEDED", a.slug, null],
    ]);
    expect(mine.notices[1]!.accuracy).toBeCloseTo(run.publicAccuracy, 12);
    expect((await listNotices(bob.viewer)).notices).toEqual([]);
  });

  it("is dismissed by its owner only; a class-limited token reaches its class's; a removal hides the class's", async () => {
    const before = await listNotices(alice.viewer);
    const [failedNotice, succeededNotice] = before.notices;
    // Bob can't dismiss Alice's (her ids match nothing of his).
    expect(await markNoticesRead(bob.viewer, { ids: [failedNotice!.id] })).toBe(0);
    expect((await listNotices(alice.viewer)).unreadCount).toBe(2);

    // A token limited to class A lists and dismisses class A's only. (The tokens are Alice's.)
    const classA = await tokenViewer(alice.viewer, { name: "A only", scopes: ["READ", "WRITE"], classSlug: a.slug });
    const viaToken = await gql(classA.viewer, NOTICES);
    expect(viaToken.data!.notices.nodes.map((n: { classSlug: string }) => n.classSlug)).toEqual([a.slug]);
    expect((await gql(classA.viewer, `mutation { markNoticesRead }`)).data!.markNoticesRead).toBe(1);
    const after = await listNotices(alice.viewer);
    expect(after.unreadCount).toBe(1);
    expect(after.notices.find((n) => n.id === succeededNotice!.id)!.readAt).not.toBeNull();
    expect(after.notices.find((n) => n.id === failedNotice!.id)!.readAt).toBeNull();

    // A read-only token may list but not dismiss.
    const readOnly = await tokenViewer(alice.viewer, { name: "read", scopes: ["READ"] });
    expect(errorCode(await gql(readOnly.viewer, `mutation { markNoticesRead }`))).toBe("FORBIDDEN");
    expect(
      (await gql(readOnly.viewer, `query { notices(unreadOnly: true) { unreadCount nodes { id } } }`)).data!.notices,
    ).toEqual({ unreadCount: 1, nodes: [{ id: failedNotice!.id }] });

    // Dismissing by id; unknown or malformed input is refused by name.
    expect(await markNoticesRead(alice.viewer, { ids: [failedNotice!.id] })).toBe(1);
    expect((await listNotices(alice.viewer)).unreadCount).toBe(0);
    expect(errorCode(await gql(alice.viewer, `mutation { markNoticesRead(ids: []) }`))).toBe("BAD_USER_INPUT");
    expect(errorCode(await gql(alice.viewer, `query { notices(first: 500) { unreadCount } }`))).toBe("BAD_USER_INPUT");

    // Removed from class A, Alice no longer hears of its runs.
    await removeMember(owner.viewer, { classSlug: a.slug, userId: alice.id });
    expect((await listNotices(alice.viewer)).notices.map((n) => n.classSlug)).toEqual([b.slug]);
  });

  it("anonymous callers are refused", async () => {
    expect(errorCode(await gql({ kind: "anonymous" }, NOTICES))).toBe("UNAUTHENTICATED");
  });
});
