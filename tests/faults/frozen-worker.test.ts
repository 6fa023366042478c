// A worker frozen mid-training (SIGSTOP: the process exists but does nothing, as under a stuck
// hypervisor or a long GC pause): after the heartbeat timeout its job is retried on another
// worker, and the health view counts it as lost. When the frozen worker is continued (SIGCONT),
// it must not write a second result, cancel the run the other worker took over, or write its
// stale progress over the new attempt's. Real worker processes on the test database.

import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import { getTrainerHealth } from "@/lib/server/services/trainers";
import { makeUser } from "../helpers/fixtures";
import { SLOW } from "../helpers/models";
import { startWorker, stopAllWorkers, submissionState, waitFor, waitForEpoch, waitForStatus } from "../helpers/workers";

// SLOW runs for a few seconds on the committed subset: the frozen worker is far from done when it stops.

const report = (line: string) => console.log(`[fault] ${line}`);

afterAll(stopAllWorkers);

interface Snapshot {
  workerId: string | null;
  status: string;
  epochs: number;
}

describe("a worker frozen with SIGSTOP", { timeout: 240_000 }, () => {
  it("loses its job to another worker after the heartbeat timeout, and writes nothing when continued", async () => {
    const owner = await makeUser("Freeze Owner");
    const klass = await createClass(owner.viewer, { name: "Freeze Tests" });
    const student = await makeUser("Freeze Student");
    await joinClass(student.viewer, klass.joinCode!);
    const submission = await createSubmission(student.viewer, {
      classSlug: klass.slug,
      name: "outlives a frozen worker",
      architecture: SLOW,
      training: { maxEpochs: 8, batchSize: 32, earlyStopping: null },
    });

    const frozen = await startWorker();
    const claimed = await waitForEpoch(submission.id, 1);
    const frozenId = claimed.workerId!;
    await startWorker(); // another worker, idle: the run is the student's only job
    frozen.process.kill("SIGSTOP");
    const frozeAt = Date.now();

    // The heartbeat timeout (10 s in tests), pg-boss's supervisor, a retry delay: then the other worker.
    const takenOver = await waitFor(
      "another worker to take the run over",
      async () => {
        const state = await submissionState(submission.id);
        return state.workerId && state.workerId !== frozenId ? state : null;
      },
      90_000,
      100,
    );
    const takeoverMs = Date.now() - frozeAt;
    const otherId = takenOver.workerId!;
    expect(takenOver.attempts).toBe(2);
    // Meanwhile the trainers' health says what happened to the frozen one.
    const health = await getTrainerHealth();
    expect(health.trainers.find((t) => t.id === frozenId)?.state).toBe("lost");
    expect(health.trainers.find((t) => t.id === otherId)?.state).toBe("healthy");
    expect(health).toMatchObject({ ready: true, lost: 1 });

    frozen.process.kill("SIGCONT");
    // Watch the row while both are alive: from here on only the other worker's attempt may show.
    const seen: Snapshot[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const row = await db.submission.findUniqueOrThrow({
          where: { id: submission.id },
          select: { workerId: true, status: true, progress: true },
        });
        const history = (row.progress as { history?: unknown[] } | null)?.history ?? [];
        seen.push({ workerId: row.workerId, status: row.status, epochs: history.length });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    // The continued worker settles its stale attempt (its heartbeat or its row check finds the run
    // taken over) and reports itself idle with one job done; the other worker finishes the run.
    await waitFor(
      "the continued worker to let go of its attempt",
      async () => {
        const trainer = (await getTrainerHealth()).trainers.find((t) => t.id === frozenId);
        return trainer && trainer.jobsDone >= 1 && trainer.submissionId === null;
      },
      60_000,
    );
    const done = await waitForStatus(submission.id, ["SUCCEEDED", "FAILED", "CANCELLED"], 120_000);
    watching = false;
    await watcher;

    expect(done.status).toBe("SUCCEEDED");
    expect(done.attempts).toBe(2);
    expect(await db.result.count({ where: { submissionId: submission.id } })).toBe(1);
    // Only the new attempt's progress, growing epoch by epoch; the frozen worker's never reappears.
    const running = seen.filter((s) => s.status === "RUNNING");
    expect(running.every((s) => s.workerId === otherId)).toBe(true);
    for (let i = 1; i < running.length; i++) expect(running[i]!.epochs).toBeGreaterThanOrEqual(running[i - 1]!.epochs);
    expect(frozen.output()).toMatch(/taken over/);

    // The continued worker is alive, heartbeats again and takes work.
    expect(frozen.process.exitCode).toBeNull();
    await waitFor(
      "the continued worker to report healthy",
      async () => (await getTrainerHealth()).trainers.find((t) => t.id === frozenId)?.state === "healthy",
      30_000,
    );
    report(
      `SIGSTOP: the run moved to another worker ${takeoverMs} ms after the freeze (heartbeat ${health.heartbeatSeconds} s); ` +
        `after SIGCONT: lost 0 / duplicated 0 of 1 (results ${await db.result.count({ where: { submissionId: submission.id } })}), ` +
        `${running.length} progress snapshots all from the new attempt`,
    );
  });
});
