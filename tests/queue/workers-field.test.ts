import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { errorCode, gql, makeUser } from "../helpers/fixtures";
import { addMember, addPlainSubmission, createClassAs, discardQueuedWork } from "../helpers/grading";

// The platform's workers, as graders see them: every worker, but the submission one trains only
// when it is in a class the viewer grades.

afterAll(async () => {
  await db.worker.deleteMany({ where: { id: { startsWith: "workers-field-test:" } } });
  await discardQueuedWork();
});

describe("GraphQL workers", () => {
  it("shows each worker's current submission only to graders of that submission's class", async () => {
    const [graderA, graderB, student] = await Promise.all(
      ["Wf Grader A", "Wf Grader B", "Wf Student"].map((n) => makeUser(n)),
    );
    const a = await createClassAs(graderA.viewer, "Workers A");
    const b = await createClassAs(graderB.viewer, "Workers B");
    await addMember(a.id, student.id);
    await addMember(b.id, student.id);
    const inA = await addPlainSubmission(student.id, a.id, "QUEUED");
    const inB = await addPlainSubmission(student.id, b.id, "QUEUED");
    // As the workers write themselves (worker/presence.ts), one training each class's run.
    await db.worker.createMany({
      data: [
        { id: "workers-field-test:1", host: "workers-field-test", pid: 1, health: "HEALTHY", submissionId: inA },
        { id: "workers-field-test:2", host: "workers-field-test", pid: 2, health: "HEALTHY", submissionId: inB },
      ],
    });
    const query = `{ workers { id currentSubmissionId } }`;
    const seen = async (viewer: typeof graderA.viewer) => {
      const result = await gql(viewer, query);
      expect(result.errors).toBeUndefined();
      return Object.fromEntries(
        result
          .data!.workers.filter((w: { id: string }) => w.id.startsWith("workers-field-test:"))
          .map((w: { id: string; currentSubmissionId: string | null }) => [w.id, w.currentSubmissionId]),
      );
    };
    expect(await seen(graderA.viewer)).toEqual({ "workers-field-test:1": inA, "workers-field-test:2": null });
    expect(await seen(graderB.viewer)).toEqual({ "workers-field-test:1": null, "workers-field-test:2": inB });
    expect(errorCode(await gql(student.viewer, query))).toBe("FORBIDDEN");
  });
});
