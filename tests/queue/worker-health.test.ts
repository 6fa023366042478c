// Infrastructure faults must not fail a student's run. A worker that can't load its data or its
// backend takes no jobs: it says why (Worker table → /api/health, the submission's live stream)
// and checks again with backoff, while the run stays QUEUED with no attempt used; once the
// machine is fixed it trains. A machine fault found inside a job, and a worker stopped mid-run,
// hand the job back without using an attempt. Real worker processes, real pg-boss tables, the
// real handler and loader; nothing of our own is mocked.

import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "pg-boss";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as healthRoute } from "@/app/api/health/route";
import { GET as submissionEvents } from "@/app/api/submissions/[id]/events/route";
import { db } from "@/lib/server/db";
import { readLimits } from "@/lib/server/env";
import { getBoss } from "@/lib/server/queue/boss";
import { trainSubmission } from "@/lib/server/queue/jobs";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { cancelSubmission } from "@/lib/server/services/submissions/cancel-submission";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import { countTowardsQuota, getQuota } from "@/lib/server/services/submissions/quota";
import { createApiToken } from "@/lib/server/services/tokens";
import type { Viewer } from "@/lib/server/viewer";
import { FILES, FIXTURE_DIR, loadFashionMnist } from "@/trainer";
import { CancelListener } from "@/worker/cancel-listener";
import { handleDeadTrainSubmission, handleTrainSubmission } from "@/worker/train-submission";
import { makeUser } from "../helpers/fixtures";
import { SLOW, TINY, TINY_TRAINING } from "../helpers/models";
import { startWorker, stopAllWorkers, submissionState, waitFor, waitForEpoch, waitForStatus } from "../helpers/workers";

let classSlug: string;
let classId: string;
let joinCode: string;
const scratch: string[] = [];

async function student(name: string): Promise<{ id: string; viewer: Viewer }> {
  const user = await makeUser(name);
  await joinClass(user.viewer, joinCode);
  return { id: user.id, viewer: user.viewer };
}

async function jobOf(submissionId: string) {
  const { jobId } = await db.submission.findUniqueOrThrow({ where: { id: submissionId }, select: { jobId: true } });
  const job = await (await getBoss()).getJobById(trainSubmission.name, jobId!);
  return { id: jobId!, state: job!.state, retryCount: job!.retryCount, groupId: job!.groupId ?? null };
}

/** A directory with the four file names, holding bytes no IDX reader accepts: found, but unreadable. */
async function brokenDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "catwalk-no-data-"));
  scratch.push(dir);
  for (const name of Object.values(FILES)) await writeFile(join(dir, name), "not a data set");
  return dir;
}

async function trainerState(workerPid: number) {
  const row = await db.worker.findFirst({ where: { pid: workerPid }, select: { health: true, reason: true } });
  return row;
}

/** The first `progress` event of a submission's live stream, then the stream is closed. */
async function firstEvent(submissionId: string, bearer: string): Promise<any> {
  const abort = new AbortController();
  const request = new Request(`http://localhost/api/submissions/${submissionId}/events`, {
    headers: { authorization: bearer },
    signal: abort.signal,
  });
  const response = await submissionEvents(request as never, { params: Promise.resolve({ id: submissionId }) });
  const reader = response.body!.getReader();
  let text = "";
  while (!text.includes("\n\n")) text += new TextDecoder().decode((await reader.read()).value);
  abort.abort();
  await reader.cancel();
  const [eventLine, dataLine] = text.split("\n\n")[0]!.split("\n");
  expect(eventLine).toBe("event: progress");
  return JSON.parse(dataLine!.slice("data: ".length));
}

beforeAll(async () => {
  const owner = (await makeUser("Health Owner")).viewer;
  const klass = await createClass(owner, { name: "Worker Health" });
  classSlug = klass.slug;
  classId = klass.id;
  joinCode = klass.joinCode!;
  await db.class.update({ where: { id: classId }, data: { dailyQuota: 100 } });
});

afterEach(stopAllWorkers);

afterAll(async () => {
  await stopAllWorkers();
  // Nothing of this file may wait in the shared queue for the next file's workers.
  await db.submission.updateMany({
    where: { classId, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "CANCELLED", finishedAt: new Date(), workerId: null },
  });
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

describe("a worker that cannot train", () => {
  it("claims nothing while its data set is unreadable, says why, and trains the run once the files are fixed", async () => {
    const dataDir = await brokenDataDir();
    const { viewer } = await student("Waiting Student");
    const submission = await createSubmission(viewer, {
      classSlug,
      name: "waits",
      architecture: TINY,
      training: TINY_TRAINING,
    });
    const bearer = `Bearer ${(await createApiToken(viewer, { name: "health", scopes: ["READ"] })).token}`;

    const worker = await startWorker(
      { FASHION_MNIST_DIR: dataDir, CATWALK_WORKER_RECHECK_SECONDS: "2" },
      { until: "started" },
    );
    const unhealthy = await waitFor("the worker to report itself unhealthy", async () => {
      const row = await trainerState(worker.pid);
      return row?.health === "UNHEALTHY" ? row : null;
    });
    expect(unhealthy.reason).toMatch(/data set is not available: Fashion-MNIST files in .* are unreadable/);
    expect(worker.output()).toMatch(/unhealthy, taking no jobs: the data set is not available/);

    // /api/health: the web app is up (200); the body says no trainer can take jobs, and why.
    const health = await healthRoute();
    expect(health.status).toBe(200);
    const body = await health.json();
    expect(body).toMatchObject({ status: "degraded", database: { status: "ok" }, trainers: { ready: false } });
    expect(body.trainers.unhealthy).toBeGreaterThanOrEqual(1);
    expect(body.trainers.reasons.map((r: { reason: string }) => r.reason).join("\n")).toMatch(/unreadable/);
    // The submission's live stream says the same to its student.
    const event = await firstEvent(submission.id, bearer);
    expect(event.status).toBe("QUEUED");
    expect(event.trainers.ready).toBe(false);
    expect(event.trainers.reasons[0].reason).toMatch(/unreadable/);

    // Several checks later: still queued, no attempt used, the job untouched.
    await waitFor(
      "a few more checks",
      async () => (worker.output().match(/unhealthy, taking no jobs/g) ?? []).length >= 3,
    );
    expect(await submissionState(submission.id)).toMatchObject({ status: "QUEUED", attempts: 0 });
    expect(await jobOf(submission.id)).toMatchObject({ state: "created", retryCount: 0 });

    // The operator fixes the machine; the worker finds out at its next check and trains the run.
    for (const name of Object.values(FILES)) await copyFile(join(FIXTURE_DIR, name), join(dataDir, name));
    const done = await waitForStatus(submission.id, ["SUCCEEDED", "FAILED"]);
    expect(done).toMatchObject({ status: "SUCCEEDED", attempts: 1, resultCount: 1 });
    expect((await trainerState(worker.pid))?.health).toBe("HEALTHY");
    expect(worker.output()).toMatch(/ready: backend wasm.* 2000 \+ 1000 images/);
  });

  it("claims nothing while no TensorFlow.js backend loads", async () => {
    const { viewer } = await student("Backendless Student");
    const submission = await createSubmission(viewer, {
      classSlug,
      name: "no backend",
      architecture: TINY,
      training: TINY_TRAINING,
    });
    // tfjs-node is an optional dependency that isn't installed here: forcing it can't load.
    const worker = await startWorker({ CATWALK_BACKEND: "tensorflow" }, { until: "started" });
    const unhealthy = await waitFor("the worker to report itself unhealthy", async () => {
      const row = await trainerState(worker.pid);
      return row?.health === "UNHEALTHY" ? row : null;
    });
    expect(unhealthy.reason).toMatch(/no TensorFlow.js backend loads: .*tensorflow: not installed/);
    await waitFor(
      "a second check",
      async () => (worker.output().match(/unhealthy, taking no jobs/g) ?? []).length >= 2,
    );
    expect(await submissionState(submission.id)).toMatchObject({ status: "QUEUED", attempts: 0 });
    // Stopped cleanly, it leaves no row behind: neither healthy nor lost.
    await worker.stop();
    expect(await trainerState(worker.pid)).toBeNull();
    await cancelSubmission(viewer, submission.id); // not left in front of the next test's job
  });
});

describe("a job the machine can't run", () => {
  it("is handed back without using an attempt when the data set fails inside the job, keeping the student's group", async () => {
    const { id: authorId, viewer } = await student("Handed Back");
    const submission = await createSubmission(viewer, {
      classSlug,
      name: "handed back",
      architecture: TINY,
      training: TINY_TRAINING,
    });
    const before = await jobOf(submission.id);
    expect(before.groupId).toBe(authorId);

    // The real handler, as a worker runs it, on a worker context whose data set fails to load for
    // real (the loader pointed at an empty directory): the machine's fault, found mid-job.
    const emptyDir = await mkdtemp(join(tmpdir(), "catwalk-empty-"));
    scratch.push(emptyDir);
    const boss = await getBoss();
    const [job] = await boss.fetch(trainSubmission.name, { batchSize: 1 });
    expect(job?.id).toBe(before.id);
    const listener = new CancelListener(process.env.DATABASE_URL!);
    await listener.start();
    try {
      // What boss.work adds to a fetched job: the signal it aborts when the claim is lost.
      const taken = { ...job, signal: new AbortController().signal } as Job<unknown>;
      const result = await handleTrainSubmission(taken, {
        workerId: "test-host:1",
        limits: readLimits(),
        listener,
        shutdown: new AbortController().signal,
        takeBenchJobs: false,
        data: () => loadFashionMnist({ dir: emptyDir }),
      });
      expect(result).toMatchObject({ handedBack: expect.stringMatching(/^DATA_UNAVAILABLE: Fashion-MNIST not found/) });
    } finally {
      await listener.stop();
    }

    const state = await submissionState(submission.id);
    expect(state).toMatchObject({ status: "QUEUED", attempts: 0, workerId: null });
    expect(state.progress).toMatchObject({ phase: "requeued", reason: expect.stringMatching(/could not run it/) });
    // The old job is completed, not failed (pg-boss counts a failure as a retry); a fresh one in
    // the same group replaces it, with all its attempts.
    expect((await boss.getJobById(trainSubmission.name, before.id))?.state).toBe("completed");
    const after = await jobOf(submission.id);
    expect(after).toMatchObject({ state: "created", retryCount: 0, groupId: authorId });
    expect(after.id).not.toBe(before.id);

    // A healthy worker then trains it once, as its first attempt.
    await startWorker();
    const done = await waitForStatus(submission.id, ["SUCCEEDED", "FAILED"]);
    expect(done).toMatchObject({ status: "SUCCEEDED", attempts: 1, resultCount: 1 });
  });

  it("is handed back without using an attempt when its worker is stopped mid-run (a deploy)", async () => {
    const { viewer } = await student("Deployed Over");
    const submission = await createSubmission(viewer, {
      classSlug,
      name: "outlives a deploy",
      architecture: SLOW,
      training: { maxEpochs: 4, batchSize: 32, earlyStopping: null },
    });
    const before = await jobOf(submission.id);
    const first = await startWorker();
    await waitForEpoch(submission.id, 1);
    await first.stop("SIGTERM");
    expect(await submissionState(submission.id)).toMatchObject({ status: "QUEUED", attempts: 0 });
    expect((await (await getBoss()).getJobById(trainSubmission.name, before.id))?.state).toBe("completed");
    expect(await jobOf(submission.id)).toMatchObject({ state: "created", retryCount: 0 });

    await startWorker();
    const done = await waitForStatus(submission.id, ["SUCCEEDED", "FAILED"], 120_000);
    expect(done).toMatchObject({ status: "SUCCEEDED", attempts: 1, resultCount: 1 });
  });
});

describe("failures that aren't the student's", () => {
  it("are recorded as the platform's and don't count against the quota", async () => {
    const { id: authorId, viewer } = await student("Unlucky Student");
    const submission = await createSubmission(viewer, {
      classSlug,
      name: "workers died",
      architecture: TINY,
      training: TINY_TRAINING,
    });
    expect(await countTowardsQuota(db, classId, authorId)).toBe(1);
    // What the dead-letter queue does once workers died under every attempt.
    await handleDeadTrainSubmission({
      id: "dead",
      name: "train-submission-dead",
      data: { submissionId: submission.id },
    } as Job<unknown>);
    const row = await db.submission.findUniqueOrThrow({
      where: { id: submission.id },
      select: { status: true, failureKind: true },
    });
    expect(row).toEqual({ status: "FAILED", failureKind: "PLATFORM" });
    expect(await countTowardsQuota(db, classId, authorId)).toBe(0);
    expect((await getQuota(viewer, classSlug)).used).toBe(0);
  });
});
