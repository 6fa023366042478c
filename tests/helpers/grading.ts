import { db } from "@/lib/server/db";
import { getBoss } from "@/lib/server/queue/boss";
import { evaluateSubmission, trainSubmission } from "@/lib/server/queue/jobs";
import { createApiToken, viewerFromToken } from "@/lib/server/services/tokens";
import { testLabels } from "@/lib/server/test-set";
import type { Viewer } from "@/lib/server/viewer";
import { MLP } from "@/scripts/bench/large-class";

// The tests' small MLP is the one the API tests and the large-class benchmark submit.
export { MLP };

import { createScoredSubmission, gql, type ScoredSubmission } from "./fixtures";

const createdClasses = new Set<string>();

export async function createClassAs(
  viewer: Viewer,
  name: string,
): Promise<{ id: string; slug: string; joinCode: string }> {
  const created = await gql(viewer, `mutation($name: String!) { createClass(name: $name) { id slug joinCode } }`, {
    name,
  });
  if (created.errors) throw new Error(JSON.stringify(created.errors));
  createdClasses.add(created.data!.createClass.id);
  return created.data!.createClass;
}

/**
 * Cancels what this file's tests queued in the classes it made. All test files share one
 * database: jobs left behind would sit in front of the queue tests' jobs and time them out.
 */
export async function discardQueuedWork(): Promise<void> {
  // A file run on its own that queued nothing finds no pg-boss schema yet: nothing to discard.
  const [boss] = await db.$queryRaw<
    { installed: boolean }[]
  >`SELECT to_regclass('pgboss.job') IS NOT NULL AS installed`;
  if (!boss?.installed) return;
  // Re-evaluations asked for in these classes: their jobs name no row, so they go by payload.
  await db.$executeRaw`
    DELETE FROM pgboss.job j USING "Submission" s
    WHERE j.name = ${evaluateSubmission.name} AND j.state IN ('created', 'retry')
      AND s.id = j.data->>'submissionId' AND s."classId" = ANY(${[...createdClasses]})`;
  const rows = await db.submission.findMany({
    where: { classId: { in: [...createdClasses] }, status: "QUEUED" },
    select: { id: true, jobId: true },
  });
  if (!rows.length) return;
  const now = new Date();
  await db.submission.updateMany({
    where: { id: { in: rows.map((r) => r.id) }, status: "QUEUED" },
    data: { status: "CANCELLED", cancelRequestedAt: now, finishedAt: now },
  });
  const jobIds = rows.map((r) => r.jobId).filter((id): id is string => id !== null);
  if (jobIds.length) await (await getBoss()).cancel(trainSubmission.name, jobIds);
}

export async function addMember(
  classId: string,
  userId: string,
  role: "STUDENT" | "GRADER" | "OWNER" = "STUDENT",
): Promise<void> {
  await db.membership.create({ data: { classId, userId, role }, select: { userId: true } });
}

/**
 * Predictions for the committed test subset that are right on exactly the images whose index
 * is divisible by `every` (else the next class): a known, checkable accuracy per half.
 */
export async function makePredictions(every: number): Promise<Buffer> {
  const labels = await testLabels();
  if (!labels) throw new Error("test labels missing: FASHION_MNIST_DIR should point at the fixture");
  return Buffer.from(labels.map((label, i) => (i % every === 0 ? label : (label + 1) % 10)));
}

/** A scored submission (fixtures.ts createScoredSubmission) right on every `every`-th test image. */
export async function addScoredSubmission(
  authorId: string,
  classId: string,
  name: string,
  every = 2,
): Promise<ScoredSubmission> {
  return createScoredSubmission({
    authorId,
    classId,
    name,
    labels: (await testLabels())!,
    predictions: await makePredictions(every),
    architecture: MLP,
    testLoss: 0.123456789,
    history: [
      {
        epoch: 1,
        loss: 0.5,
        accuracy: 0.8,
        valLoss: 0.6,
        valAccuracy: 0.78,
        samplesPerSec: 1000,
        durationMs: 900,
        etaMs: 0,
      },
    ],
  });
}

export async function addPlainSubmission(
  authorId: string,
  classId: string,
  status: "QUEUED" | "FAILED" | "CANCELLED",
  createdAt = new Date(),
): Promise<string> {
  const now = new Date();
  const row = await db.submission.create({
    data: {
      authorId,
      classId,
      name: `${status.toLowerCase()} run`,
      architecture: MLP,
      training: {},
      status,
      createdAt,
      ...(status === "FAILED" ? { failureReason: "NaN loss", startedAt: now, finishedAt: now } : {}),
      ...(status === "CANCELLED" ? { finishedAt: now } : {}),
    },
    select: { id: true },
  });
  return row.id;
}

export async function tokenViewer(
  owner: Viewer,
  input: { name: string; scopes?: string[]; classSlug?: string },
): Promise<{ viewer: Viewer; secret: string; id: string }> {
  const created = await createApiToken(owner, input);
  const viewer = await viewerFromToken(created.token);
  if (!viewer) throw new Error("token did not resolve");
  return { viewer, secret: created.token, id: created.id };
}
