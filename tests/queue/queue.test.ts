import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { getBoss } from "@/lib/server/queue/boss";
import { trainSubmission } from "@/lib/server/queue/jobs";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { cancelSubmission } from "@/lib/server/services/submissions/cancel-submission";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import { getQuota } from "@/lib/server/services/submissions/quota";
import type { Viewer } from "@/lib/server/viewer";
import { makeUser } from "../helpers/fixtures";
import { SLOW, TINY, TINY_TRAINING } from "../helpers/models";
import { startWorker, stopAllWorkers, submissionState, waitFor, waitForEpoch, waitForStatus } from "../helpers/workers";

// Real worker processes, real pg-boss tables in the test database, real training on the
// committed Fashion-MNIST subset (1,800 training / 200 validation / 1,000 test images).

// Slow enough to be caught mid-training (about half a second per epoch here), fast enough to finish.
const SLOW_TRAINING = { maxEpochs: 6, batchSize: 32, earlyStopping: null };

let owner: Viewer;
let classSlug: string;
let joinCode: string;

async function student(name: string): Promise<Viewer> {
  const user = await makeUser(name);
  await joinClass(user.viewer, joinCode);
  return user.viewer;
}

async function submit(viewer: Viewer, name: string, architecture: object = TINY, training: object = TINY_TRAINING) {
  return createSubmission(viewer, { classSlug, name, architecture, training });
}

beforeAll(async () => {
  owner = (await makeUser("Queue Owner")).viewer;
  const klass = await createClass(owner, { name: "Queue Tests" });
  classSlug = klass.slug;
  joinCode = klass.joinCode!;
  await db.class.update({ where: { slug: classSlug }, data: { dailyQuota: 100 } });
});

afterEach(async () => {
  await stopAllWorkers();
});

afterAll(async () => {
  await stopAllWorkers();
});

describe("training queue", () => {
  it("creates the submission and its job together, and a worker trains it to SUCCEEDED with one Result", async () => {
    const viewer = await student("Happy Path");
    const submission = await submit(viewer, "tiny");
    const row = await db.submission.findUniqueOrThrow({ where: { id: submission.id }, select: { jobId: true } });
    expect(row.jobId).toBeTruthy();
    const job = await (await getBoss()).getJobById(trainSubmission.name, row.jobId!);
    expect(job?.data).toEqual({ submissionId: submission.id });

    const worker = await startWorker();
    const done = await waitForStatus(submission.id, ["SUCCEEDED", "FAILED"]);
    expect(done.status).toBe("SUCCEEDED");
    expect(done.attempts).toBe(1);
    expect(done.resultCount).toBe(1);
    const result = await db.result.findUniqueOrThrow({ where: { submissionId: submission.id } });
    expect(result.testAccuracy).toBeGreaterThan(0.5); // softmax regression on 1,800 images
    expect(result.predictions?.length).toBe(1000);
    expect((result.confusionMatrix as number[][]).flat().reduce((a, b) => a + b, 0)).toBe(1000);
    expect(result.backend).toBe("wasm");
    // Its author hears of it in the app: one notice, written with the status change.
    const notices = await db.notice.findMany({
      where: { submissionId: submission.id },
      select: { kind: true, userId: true },
    });
    expect(notices).toEqual([{ kind: "SUCCEEDED", userId: (viewer as { userId: string }).userId }]);
    // What class analytics plots, stored with the result: 2·784·10 FLOPs, one Dense layer.
    expect(result).toMatchObject({ flops: 15_680, depth: 1, maxDropout: 0 });
    await worker.stop();
  });

  it("rejects an invalid architecture at submit time, naming the layer and field, and stores nothing", async () => {
    const viewer = await student("Bad Arch");
    const before = await db.submission.count();
    const bad = {
      layers: [
        { type: "Flatten", inputShape: [28, 28, 1] },
        { type: "Dense", units: 7, activation: "softmax" },
      ],
    };
    await expect(submit(viewer, "bad", bad)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      issues: [expect.objectContaining({ path: expect.stringMatching(/^architecture\.layers\.1/) })],
    });
    await expect(submit(viewer, "bad config", TINY, { maxEpochs: 1000 })).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
    });
    expect(await db.submission.count()).toBe(before);
  });

  it("finishes a job whose worker was SIGKILLed mid-training on another worker, exactly once", async () => {
    const viewer = await student("Crash Victim");
    const submission = await submit(viewer, "survives a crash", SLOW, SLOW_TRAINING);
    const first = await startWorker();
    await waitForEpoch(submission.id, 1);
    first.process.kill("SIGKILL");
    await first.exited;
    expect((await submissionState(submission.id)).status).toBe("RUNNING"); // held by a dead worker

    const second = await startWorker();
    const done = await waitForStatus(submission.id, ["SUCCEEDED", "FAILED"], 120_000);
    expect(done.status).toBe("SUCCEEDED");
    expect(done.attempts).toBe(2);
    expect(await db.result.count({ where: { submissionId: submission.id } })).toBe(1);
    // The crash and the retry tell the author nothing; the finish, once.
    expect(await db.notice.count({ where: { submissionId: submission.id } })).toBe(1);
    await second.stop();
  });

  it("recovers when the database drops the worker's connections mid-training", async () => {
    const viewer = await student("Conn Drop");
    const submission = await submit(viewer, "survives a db blip", SLOW, SLOW_TRAINING);
    const worker = await startWorker();
    await waitForEpoch(submission.id, 1);
    const killed = await db.$queryRaw<Array<{ pid: number }>>`
      SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'catwalk-worker%'`;
    // Also every unnamed connection of the worker (Prisma's pool): everything but ours.
    await db.$queryRaw`
      SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`;
    expect(killed.length).toBeGreaterThan(0);
    const done = await waitForStatus(submission.id, ["SUCCEEDED", "FAILED"], 120_000);
    expect(done.status).toBe("SUCCEEDED");
    expect(await db.result.count({ where: { submissionId: submission.id } })).toBe(1);
    // The worker is still alive and still takes work.
    const next = await submit(viewer, "after the blip");
    expect((await waitForStatus(next.id, ["SUCCEEDED", "FAILED"])).status).toBe("SUCCEEDED");
    await worker.stop();
  });

  it("trains a burst of 50 submissions with 2 workers: all end, none twice", async () => {
    const students = await Promise.all(Array.from({ length: 10 }, (_, i) => student(`Burst ${i}`)));
    const submissions = await Promise.all(
      students.flatMap((viewer, i) => Array.from({ length: 5 }, (_, j) => submit(viewer, `burst ${i}.${j}`))),
    );
    expect(submissions).toHaveLength(50);
    const workers = await Promise.all([startWorker(), startWorker()]);
    const ids = submissions.map((s) => s.id);
    await waitFor(
      "all 50 to finish",
      async () => {
        const open = await db.submission.count({ where: { id: { in: ids }, status: { in: ["QUEUED", "RUNNING"] } } });
        return open === 0;
      },
      240_000,
      500,
    );
    const rows = await db.submission.findMany({
      where: { id: { in: ids } },
      select: { status: true, attempts: true, workerId: true },
    });
    expect(rows.every((r) => r.status === "SUCCEEDED")).toBe(true);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    expect(await db.result.count({ where: { submissionId: { in: ids } } })).toBe(50);
    // Both workers took part.
    const logs = workers.map((w) => w.output());
    expect(logs.every((log) => log.includes("ready"))).toBe(true);
    await Promise.all(workers.map((w) => w.stop()));
  });

  it("cancels a queued submission at once and a running one within a batch", async () => {
    const viewer = await student("Canceller");
    const running = await submit(viewer, "cancel me while running", SLOW, SLOW_TRAINING);
    const worker = await startWorker();
    await waitForEpoch(running.id, 1);
    // Queued behind the running one: one running job per student.
    const queued = await submit(viewer, "cancel me while queued");
    const cancelledQueued = await cancelSubmission(viewer, queued.id);
    expect(cancelledQueued.status).toBe("CANCELLED");

    const asked = Date.now();
    await cancelSubmission(viewer, running.id);
    const stopped = await waitForStatus(running.id, ["CANCELLED", "SUCCEEDED", "FAILED"], 20_000);
    expect(stopped.status).toBe("CANCELLED");
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(stopped.resultCount).toBe(0);
    await expect(cancelSubmission(viewer, running.id)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });

    // The queued one never ran.
    expect((await submissionState(queued.id)).attempts).toBe(0);
    const outsider = (await makeUser("Not Allowed")).viewer;
    await expect(cancelSubmission(outsider, running.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await worker.stop();
  });

  it("fails a diverging run once with its reason, and skips a malformed payload without dying", async () => {
    const viewer = await student("Diverger");
    const linear = {
      layers: [
        { type: "Flatten", inputShape: [28, 28, 1] },
        { type: "Dense", units: 256 },
        { type: "Dense", units: 256 },
        { type: "Dense", units: 10 },
      ],
    };
    const diverging = await submit(viewer, "lr too high", linear, {
      optimizer: "sgd",
      learningRate: 10,
      maxEpochs: 3,
      earlyStopping: null,
    });
    const boss = await getBoss();
    const junkId = await boss.send(trainSubmission.name, { nonsense: true });
    const worker = await startWorker();
    const failed = await waitForStatus(diverging.id, ["FAILED", "SUCCEEDED"]);
    expect(failed.status).toBe("FAILED");
    expect(failed.failureReason).toMatch(/diverged/);
    expect(failed.attempts).toBe(1);
    // The model's own failure, recorded as such (the platform's are PLATFORM).
    expect(
      (await db.submission.findUniqueOrThrow({ where: { id: diverging.id }, select: { failureKind: true } }))
        .failureKind,
    ).toBe("MODEL");
    await waitFor("the junk job to settle", async () => {
      const job = await boss.getJobById(trainSubmission.name, junkId!);
      return job && ["completed", "failed"].includes(job.state) ? job : null;
    });
    const after = await submit(viewer, "still works");
    expect((await waitForStatus(after.id, ["SUCCEEDED", "FAILED"])).status).toBe("SUCCEEDED");
    expect(worker.process.exitCode).toBeNull();
    await worker.stop();
  });

  it("hands a running job back on SIGTERM and another worker completes it", async () => {
    const viewer = await student("Graceful");
    const submission = await submit(viewer, "outlives a deploy", SLOW, SLOW_TRAINING);
    const first = await startWorker();
    await waitForEpoch(submission.id, 1);
    await first.stop("SIGTERM");
    expect((await first.exited).code).toBe(0);
    expect((await submissionState(submission.id)).status).toBe("QUEUED");
    const second = await startWorker();
    const done = await waitForStatus(submission.id, ["SUCCEEDED", "FAILED"], 120_000);
    expect(done.status).toBe("SUCCEEDED");
    expect(done.resultCount).toBe(1);
    await second.stop();
  });
});

describe("quota", () => {
  it("counts today's submissions except failed and cancelled ones, and graders are unlimited", async () => {
    const klass = await createClass(owner, { name: "Quota Tests" });
    await db.class.update({ where: { id: klass.id }, data: { dailyQuota: 2 } });
    const user = await makeUser("Quota Student");
    await joinClass(user.viewer, klass.joinCode!);
    const submitHere = (name: string) =>
      createSubmission(user.viewer, { classSlug: klass.slug, name, architecture: TINY, training: TINY_TRAINING });

    const a = await submitHere("a");
    await submitHere("b");
    expect(await getQuota(user.viewer, klass.slug)).toMatchObject({
      limit: 2,
      used: 2,
      remaining: 0,
      unlimited: false,
    });
    await expect(submitHere("c")).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      message: expect.stringMatching(/today's 2 submissions/),
    });

    await cancelSubmission(user.viewer, a.id); // cancelled runs don't count
    expect((await getQuota(user.viewer, klass.slug)).remaining).toBe(1);
    const c = await submitHere("c");
    await db.submission.update({
      where: { id: c.id },
      data: { status: "FAILED", startedAt: new Date(), finishedAt: new Date(), failureReason: "test" },
    });
    await submitHere("d"); // failed runs don't count either
    await expect(submitHere("e")).rejects.toMatchObject({ code: "BAD_USER_INPUT" });

    // Concurrent submits can't slip past the quota together.
    await db.class.update({ where: { id: klass.id }, data: { dailyQuota: 5 } });
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => submitHere(`race ${i}`)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);

    expect((await getQuota(owner, klass.slug)).unlimited).toBe(true);
    await createSubmission(owner, {
      classSlug: klass.slug,
      name: "grader test",
      architecture: TINY,
      training: TINY_TRAINING,
    });
  });

  it("rejects submissions after the class deadline", async () => {
    const klass = await createClass(owner, { name: "Deadline Tests" });
    await db.class.update({ where: { id: klass.id }, data: { deadline: new Date(Date.now() - 60_000) } });
    const user = await makeUser("Late Student");
    await joinClass(user.viewer, klass.joinCode!);
    await expect(
      createSubmission(user.viewer, {
        classSlug: klass.slug,
        name: "late",
        architecture: TINY,
        training: TINY_TRAINING,
      }),
    ).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringMatching(/deadline/) });
  });
});
