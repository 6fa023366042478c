import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ArtifactCorruptError,
  ArtifactTooLargeError,
  artifactLimitBytes,
  artifacts,
  sha256Hex,
} from "@/lib/server/artifacts/store";
import { db } from "@/lib/server/db";
import { readLimits } from "@/lib/server/env";
import { makeUser } from "../helpers/fixtures";
import { addScoredSubmission, createClassAs } from "../helpers/grading";

type U = Awaited<ReturnType<typeof makeUser>>;

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

describe("artifact store (PostgreSQL)", () => {
  let owner: U;
  let student: U;
  let classId: string;

  beforeAll(async () => {
    [owner, student] = await Promise.all([makeUser("Art Owner"), makeUser("Art Student")]);
    ({ id: classId } = await createClassAs(owner.viewer, "Artifacts"));
    await db.membership.create({ data: { classId, userId: student.id, role: "STUDENT" }, select: { userId: true } });
  });

  const scored = (name = "stored") => addScoredSubmission(student.id, classId, name);

  it("stores, reads back, replaces and removes one artifact per kind, with its hash and size", async () => {
    const { id } = await scored();
    const model = bytes(1000, 1);
    const info = await artifacts.put(id, "MODEL", model);
    expect(info).toMatchObject({ sha256: sha256Hex(model), sizeBytes: 1000 });
    await artifacts.put(id, "CHECKPOINT", bytes(10, 2));

    const back = await artifacts.get(id, "MODEL");
    expect(Buffer.from(back!.bytes).equals(Buffer.from(model))).toBe(true);
    expect((await artifacts.info(id, "CHECKPOINT"))!.sizeBytes).toBe(10);

    // A second put replaces: one row per (submission, kind).
    const newer = bytes(20, 3);
    await artifacts.put(id, "MODEL", newer);
    expect((await artifacts.get(id, "MODEL"))!.sha256).toBe(sha256Hex(newer));
    expect(await db.artifact.count({ where: { submissionId: id } })).toBe(2);

    await artifacts.remove(id, "CHECKPOINT");
    expect(await artifacts.get(id, "CHECKPOINT")).toBeNull();
    expect(await artifacts.info(id, "MODEL")).not.toBeNull();
  });

  it("writes inside the caller's transaction: a rolled-back transaction stores nothing", async () => {
    const { id } = await scored();
    await expect(
      db.$transaction(async (tx) => {
        await artifacts.put(id, "MODEL", bytes(5), tx);
        throw new Error("the result could not be stored");
      }),
    ).rejects.toThrow("the result could not be stored");
    expect(await artifacts.info(id, "MODEL")).toBeNull();
  });

  describe("the size limit follows the parameter budget", () => {
    afterEach(() => {
      delete process.env.CATWALK_MAX_PARAMS;
    });

    it("refuses a model over 4 bytes a parameter plus slack, and a checkpoint over four copies", async () => {
      process.env.CATWALK_MAX_PARAMS = "10000";
      const limits = readLimits();
      expect(artifactLimitBytes("MODEL", limits)).toBe(10_000 * 4 + 2 ** 20);
      expect(artifactLimitBytes("CHECKPOINT", limits)).toBe(10_000 * 16 + 2 ** 20);
      const { id } = await scored();
      const over = bytes(artifactLimitBytes("MODEL") + 1);
      const error = await artifacts.put(id, "MODEL", over).catch((e) => e);
      expect(error).toBeInstanceOf(ArtifactTooLargeError);
      expect(error.message).toMatch(/trained model is \d+ bytes, over the limit of \d+ bytes/);
      expect(await artifacts.info(id, "MODEL")).toBeNull();
      // The same bytes fit as a checkpoint, whose limit is four copies of the weights.
      await artifacts.put(id, "CHECKPOINT", over);
    });
  });

  it("never hands out bytes that do not match their hash", async () => {
    const { id } = await scored();
    await artifacts.put(id, "MODEL", bytes(64, 9));
    // Same length, different content: the size CHECK holds but the hash no longer matches.
    await db.$executeRaw`UPDATE "Artifact" SET bytes = ${Buffer.from(bytes(64, 8))} WHERE "submissionId" = ${id}`;
    await expect(artifacts.get(id, "MODEL")).rejects.toBeInstanceOf(ArtifactCorruptError);
  });

  it("the database refuses a size that is not the bytes' length, or a malformed hash", async () => {
    const { id } = await scored();
    await artifacts.put(id, "MODEL", bytes(4));
    await expect(db.$executeRaw`UPDATE "Artifact" SET "sizeBytes" = 3 WHERE "submissionId" = ${id}`).rejects.toThrow(
      /Artifact_sizeBytes_check/,
    );
    await expect(db.$executeRaw`UPDATE "Artifact" SET sha256 = 'XYZ' WHERE "submissionId" = ${id}`).rejects.toThrow(
      /Artifact_sha256_check/,
    );
  });

  it("deleting a submission, its author or its class deletes its artifacts", async () => {
    const bySubmission = await scored("deleted submission");
    const byClassOwner = await makeUser("Art Class Owner");
    const { id: otherClass } = await createClassAs(byClassOwner.viewer, "Artifacts doomed");
    const author = await makeUser("Art Doomed Author");
    await db.membership.createMany({
      data: [
        { classId, userId: author.id, role: "STUDENT" },
        { classId: otherClass, userId: student.id, role: "STUDENT" },
      ],
    });
    const byAuthor = await addScoredSubmission(author.id, classId, "author goes");
    const byClass = await addScoredSubmission(student.id, otherClass, "class goes");
    const survivor = await scored("survivor");
    for (const s of [bySubmission, byAuthor, byClass, survivor]) {
      await artifacts.put(s.id, "MODEL", bytes(8));
      await artifacts.put(s.id, "CHECKPOINT", bytes(8));
    }

    await db.submission.delete({ where: { id: bySubmission.id }, select: { id: true } });
    await db.user.delete({ where: { id: author.id }, select: { id: true } });
    await db.class.delete({ where: { id: otherClass }, select: { id: true } });

    const left = await db.artifact.findMany({
      where: { submissionId: { in: [bySubmission.id, byAuthor.id, byClass.id, survivor.id] } },
      select: { submissionId: true },
    });
    expect(left.map((r) => r.submissionId)).toEqual([survivor.id, survivor.id]);
  });
});
