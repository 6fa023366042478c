import { afterAll, describe, expect, it } from "vitest";
import { GET as submissionEvents } from "@/app/api/submissions/[id]/events/route";
import { db } from "@/lib/server/db";
import { createClass, joinClass } from "@/lib/server/services/classes";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import { createApiToken } from "@/lib/server/services/tokens";
import { gql, makeUser } from "../helpers/fixtures";
import { SLOW, TINY } from "../helpers/models";
import { startWorker, stopAllWorkers, waitFor } from "../helpers/workers";

// SLOW trains for seconds, even on an idle machine: long enough for the 1 s SSE poll to see it running.

afterAll(stopAllWorkers);

// One worker for the file, started when a test first needs one (the stream test opens its stream
// before, to see the submission queued).
let worker: Promise<unknown> | undefined;
const ensureWorker = () => (worker ??= startWorker());

async function readEvents(response: Response): Promise<Array<{ event: string; data: any }>> {
  const text = await response.text(); // the stream ends after the terminal status
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("event:"))
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      return { event: eventLine!.slice("event: ".length), data: JSON.parse(dataLine!.slice("data: ".length)) };
    });
}

describe("live progress", () => {
  it("is visible through GraphQL while training and streamed over SSE until the run ends", async () => {
    const owner = await makeUser("Progress Owner");
    const klass = await createClass(owner.viewer, { name: "Progress" });
    const student = await makeUser("Progress Student");
    await joinClass(student.viewer, klass.joinCode!);
    const submission = await createSubmission(student.viewer, {
      classSlug: klass.slug,
      name: "watched",
      architecture: SLOW,
      training: { maxEpochs: 6, batchSize: 32, earlyStopping: null },
    });
    const token = await createApiToken(student.viewer, { name: "progress test", scopes: ["READ"] });
    const request = new Request(`http://localhost/api/submissions/${submission.id}/events`, {
      headers: { authorization: `Bearer ${token.token}` },
    });
    const response = await submissionEvents(request as never, { params: Promise.resolve({ id: submission.id }) });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = readEvents(response);

    await ensureWorker();
    const query = `query($id: ID!) { submission(id: $id) { status progress { phase epoch maxEpochs samplesPerSec history { epoch loss valAccuracy } } } }`;
    const running = await waitFor("progress with a finished epoch", async () => {
      const result = await gql(student.viewer, query, { id: submission.id });
      const s = result.data?.submission;
      return s?.status === "RUNNING" && s.progress?.history.length >= 1 ? s : null;
    });
    expect(running.progress).toMatchObject({ phase: "training", maxEpochs: 6 });
    expect(running.progress.samplesPerSec).toBeGreaterThan(0);

    const received = await events;
    expect(received.at(-1)!.event).toBe("done");
    const progress = received.filter((e) => e.event === "progress");
    // The stream followed the run from the queue to the end, not just its final state.
    const statuses = progress.map((e) => e.data.status as string);
    expect(statuses[0]).toBe("QUEUED");
    expect(statuses).toContain("RUNNING");
    expect(statuses.at(-1)).toBe("SUCCEEDED");
    expect(progress.at(-1)!.data.progress.history).toHaveLength(6);
  });

  it("shows each epoch as it ends even when epochs are shorter than the progress interval", async () => {
    const owner = await makeUser("Quick Owner");
    const klass = await createClass(owner.viewer, { name: "Quick epochs" });
    const student = await makeUser("Quick Student");
    await joinClass(student.viewer, klass.joinCode!);
    await ensureWorker();
    // About a tenth of a second an epoch on the committed subset: below the trainer's 200 ms
    // between yields inside an epoch, so only the yield after each epoch lets the write out.
    const submission = await createSubmission(student.viewer, {
      classSlug: klass.slug,
      name: "quick",
      architecture: TINY,
      training: { maxEpochs: 20, batchSize: 64, earlyStopping: null },
    });
    const first = await waitFor(
      "the first epoch's progress",
      async () => {
        const row = await db.submission.findUniqueOrThrow({
          where: { id: submission.id },
          select: { status: true, progress: true },
        });
        const history = (row.progress as { history?: unknown[] } | null)?.history ?? [];
        return history.length > 0 || row.status === "SUCCEEDED" ? { status: row.status, epochs: history.length } : null;
      },
      60_000,
      20,
    );
    // Seen while it still trains, with only the first few epochs done (not all 20 at the end).
    expect(first.status).toBe("RUNNING");
    expect(first.epochs).toBeLessThanOrEqual(5);
  });

  it("refuses the stream to someone who may not see the submission", async () => {
    const owner = await makeUser("Stream Owner");
    const klass = await createClass(owner.viewer, { name: "Stream Privacy" });
    const other = await makeUser("Stream Outsider");
    const submission = await createSubmission(owner.viewer, {
      classSlug: klass.slug,
      name: "private",
      architecture: SLOW,
      training: { maxEpochs: 1 },
    });
    const token = await createApiToken(other.viewer, { name: "outsider", scopes: ["READ"] });
    const request = new Request(`http://localhost/api/submissions/${submission.id}/events`, {
      headers: { authorization: `Bearer ${token.token}` },
    });
    const response = await submissionEvents(request as never, { params: Promise.resolve({ id: submission.id }) });
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe("FORBIDDEN");
  });
});
