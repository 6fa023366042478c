// The GPU worker, for real: `npm run worker`'s supervisor (worker/main.ts) with CATWALK_GPU_JOBS=2
// runs two worker processes that train two students' jobs at once on one WebGPU adapter (here
// Debian chromium's SwiftShader, a software Vulkan driver: the same code path as a GPU, slowly).
// Then one of them loses its device mid-run (SIGUSR2 under CATWALK_FAULT_INJECTION destroys it,
// which is what a driver reset looks like to the process): the job goes back to the queue
// without using an attempt, resumes from its checkpoint on a fresh device, and succeeds.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_NODE_ARGS } from "@/lib/node-args";
import { db } from "@/lib/server/db";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import type { Viewer } from "@/lib/server/viewer";
import { exited } from "@/scripts/platform/processes";
import { makeUser } from "../helpers/fixtures";
import { waitFor, waitForStatus } from "../helpers/workers";

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";
const SUPERVISOR = fileURLToPath(new URL("../../worker/main.ts", import.meta.url));
// A linear model: a few dispatches a step, so each SwiftShader epoch takes seconds, not minutes.
const MODEL = {
  layers: [
    { type: "Flatten", inputShape: [28, 28, 1] },
    { type: "Dense", units: 10, activation: "softmax" },
  ],
};
const TRAINING = { maxEpochs: 2, batchSize: 256, earlyStopping: null, seed: 5 };

let supervisor: ChildProcess | null = null;
let log = "";
const students: Viewer[] = [];
let classSlug = "";

beforeAll(async () => {
  // CI installs chromium (and with it SwiftShader) and libvulkan1: without them this is a broken
  // machine, not a reason to skip.
  if (!existsSync(SWIFTSHADER_ICD))
    throw new Error(`${SWIFTSHADER_ICD} is missing: apt-get install chromium libvulkan1`);
  const owner = await makeUser("GPU Owner");
  const klass = await createClass(owner.viewer, { name: "GPU Tests" });
  classSlug = klass.slug;
  for (const name of ["GPU Student A", "GPU Student B"]) {
    const student = await makeUser(name);
    await joinClass(student.viewer, klass.joinCode!);
    students.push(student.viewer);
  }
});

afterAll(async () => {
  if (supervisor && supervisor.exitCode === null) {
    const done = exited(supervisor);
    supervisor.kill("SIGTERM");
    await done;
  }
});

describe("two jobs on one GPU, and a lost device", { timeout: 240_000 }, () => {
  it("trains two jobs at once, and a job whose device is lost is requeued without using an attempt", async () => {
    supervisor = spawn(process.execPath, [...SERVER_NODE_ARGS, SUPERVISOR], {
      env: {
        ...process.env,
        CATWALK_BACKEND: "webgpu",
        VK_ICD_FILENAMES: SWIFTSHADER_ICD,
        CATWALK_GPU_JOBS: "2",
        CATWALK_GPU_MEMORY_MB: "256",
        CATWALK_FAULT_INJECTION: "1",
        CATWALK_CHECKPOINT_SECONDS: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    supervisor.stdout!.on("data", (c) => (log += c));
    supervisor.stderr!.on("data", (c) => (log += c));

    const workers = await waitFor(
      "two healthy webgpu workers",
      async () => {
        const rows = await db.worker.findMany({
          where: { health: "HEALTHY" },
          select: { id: true, pid: true, backend: true },
        });
        return rows.length >= 2 ? rows : null;
      },
      120_000,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}\n${log}`);
    });
    expect(log).toContain("starting 2 processes sharing one GPU (webgpu, 256 MiB of GPU memory each)");
    for (const w of workers) expect(w.backend).toMatch(/^webgpu · google swiftshader .*software$/);

    const [a, b] = await Promise.all(
      students.map((viewer, i) =>
        createSubmission(viewer, { classSlug, name: `gpu-${i}`, architecture: MODEL, training: TRAINING }),
      ),
    );
    // Both running at the same time, on the two processes.
    const running = await waitFor(
      "both jobs running at once",
      async () => {
        const rows = await db.submission.findMany({
          where: { id: { in: [a.id, b.id] }, status: "RUNNING" },
          select: { id: true, workerId: true },
        });
        return rows.length === 2 ? rows : null;
      },
      60_000,
      100,
    );
    expect(new Set(running.map((r) => r.workerId)).size).toBe(2);

    // A's device is lost once its first epoch is checkpointed.
    const aWorker = running.find((r) => r.id === a.id)!.workerId!;
    await waitFor(
      "a checkpoint of A",
      () => db.artifact.findFirst({ where: { submissionId: a.id, kind: "CHECKPOINT" }, select: { id: true } }),
      60_000,
      100,
    );
    const pid = workers.find((w) => w.id === aWorker)!.pid;
    process.kill(pid, "SIGUSR2");

    const [doneA, doneB] = await Promise.all([
      waitForStatus(a.id, ["SUCCEEDED", "FAILED"], 180_000),
      waitForStatus(b.id, ["SUCCEEDED", "FAILED"], 180_000),
    ]);
    expect(log).toContain("fault injection: GPU device destroyed");
    expect(log).toMatch(/BACKEND_UNAVAILABLE, handing the job back: the GPU device was lost \(destroyed/);
    expect(doneB.status).toBe("SUCCEEDED");
    expect(doneA.status).toBe("SUCCEEDED");
    // The lost attempt was given back: it counts for nothing.
    expect(doneA.attempts).toBe(1);
    expect(log).toMatch(/resuming after epoch \d from its checkpoint/);
    const results = await db.result.findMany({
      where: { submissionId: { in: [a.id, b.id] } },
      select: { backend: true, adapter: true, epochs: true },
    });
    expect(results).toHaveLength(2);
    for (const r of results) {
      expect(r.backend).toBe("webgpu");
      expect(r.epochs).toBe(TRAINING.maxEpochs);
      expect(r.adapter).toMatchObject({ vendor: "google", architecture: "swiftshader", software: true });
    }
  });
});
