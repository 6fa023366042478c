import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, recordQueries } from "@/lib/server/db";
import { type QueueSnapshot, readQueue } from "@/lib/server/services/queue";
import type { Viewer } from "@/lib/server/viewer";
import { gql } from "../helpers/fixtures";
import { MLP } from "../helpers/grading";

// The queue position and ETA (services/queue.ts) read from real rows: students with one and two
// queued runs, a running run that blocks its student's next one, a second class sharing the
// workers, one worker and then two. The times are set up so the plan is worked out by hand below.
process.env.CATWALK_QUERY_EVENTS = "1";

const tag = randomUUID().slice(0, 8);
const ids = (name: string) => `q-${tag}-${name}`;
// Older than anything another test file leaves behind, so these runs head the queue.
const at = (seconds: number) => new Date(Date.UTC(2000, 0, 1, 0, 0, seconds));
const viewerOf = (userId: string): Viewer => ({ kind: "user", via: "session", userId });

let snapshot: QueueSnapshot;
const entry = (name: string) => snapshot.entries.find((e) => e.submissionId === ids(name));

async function setWorkers(n: number) {
  await db.worker.deleteMany({ where: { id: { startsWith: `q-${tag}` } } });
  await db.worker.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      id: `q-${tag}:${i}`,
      host: "q",
      pid: i + 1,
      backend: "tensorflow",
      health: "HEALTHY" as const,
    })),
  });
}

beforeAll(async () => {
  // Earlier files' workers and unfinished runs would share the plan's slots: out of the way.
  await db.worker.deleteMany({});
  await db.submission.updateMany({ where: { status: { in: ["QUEUED", "RUNNING"] } }, data: { status: "CANCELLED" } });
  const users = ["owner", "a", "b", "c", "d"].map((u) => ({
    id: ids(u),
    email: `${u}.${tag}@example.test`,
    name: `Queue ${u.toUpperCase()}`,
    passwordHash: "x",
  }));
  await db.user.createMany({ data: users });
  for (const k of ["k1", "k2"]) {
    await db.class.create({
      data: {
        id: ids(k),
        name: `Queue ${k}`,
        slug: ids(k),
        joinCode: `${k}${tag}`.toUpperCase().slice(0, 8),
        memberships: { create: { userId: ids("owner"), role: "OWNER" } },
      },
    });
  }
  const sub = (name: string, author: string, klass: string, status: "QUEUED" | "RUNNING", created: number) => ({
    id: ids(name),
    authorId: ids(author),
    classId: ids(klass),
    name,
    architecture: MLP,
    training: { maxEpochs: 5 },
    status,
    createdAt: at(created),
    ...(status === "RUNNING"
      ? { startedAt: new Date(), workerId: `q-${tag}:0`, progress: { phase: "training", epoch: 1, etaMs: 30_000 } }
      : {}),
  });
  await db.submission.createMany({
    data: [
      sub("a0", "a", "k1", "RUNNING", 0),
      sub("a1", "a", "k1", "QUEUED", 1),
      sub("b1", "b", "k1", "QUEUED", 2),
      // Another class: the queue is global.
      sub("d1", "d", "k2", "QUEUED", 3),
      sub("c1", "c", "k1", "QUEUED", 4),
      sub("a2", "a", "k1", "QUEUED", 5),
    ],
  });
  // 20 finished runs, newer than any other, at 2 s per epoch: a queued run (5 epochs) takes 10 s.
  const done = Array.from({ length: 20 }, (_, i) => ({
    id: ids(`done${i}`),
    authorId: ids("owner"),
    classId: ids("k1"),
    name: `done ${i}`,
    architecture: MLP,
    training: {},
    status: "SUCCEEDED" as const,
    startedAt: at(0),
    finishedAt: at(0),
  }));
  await db.submission.createMany({ data: done });
  const future = Date.now() + 86_400_000;
  await db.result.createMany({
    data: done.map((d, i) => ({
      submissionId: d.id,
      testAccuracy: 0.8,
      testLoss: 0.5,
      confusionMatrix: Array.from({ length: 10 }, (_, r) => Array.from({ length: 10 }, (_, c) => (r === c ? 90 : 1))),
      perClass: [],
      history: [],
      paramCount: 1,
      epochs: 4,
      backend: "tensorflow",
      trainDurationMs: 8_000,
      evalDurationMs: 1,
      createdAt: new Date(future + i),
    })),
  });
});

afterAll(async () => {
  await db.worker.deleteMany({ where: { id: { startsWith: `q-${tag}` } } });
  await db.submission.updateMany({
    where: { id: { startsWith: `q-${tag}` }, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "CANCELLED" },
  });
  await db.result.deleteMany({ where: { submissionId: { startsWith: `q-${tag}-done` } } });
});

describe("queue position and ETA", () => {
  it("one worker: oldest first, a student's second run behind their first, the running run first", async () => {
    await setWorkers(1);
    snapshot = await readQueue();
    expect(snapshot.workers).toBe(1);
    expect(snapshot.secondsPerEpoch).toBe(2);
    // a0 runs (30 s left). Then, oldest first: a1 (a0 has ended by then), b1, d1 (class k2), c1, a2.
    expect(["a1", "b1", "d1", "c1", "a2"].map((n) => entry(n)?.position)).toEqual([1, 2, 3, 4, 5]);
    expect(entry("a0")).toMatchObject({ status: "RUNNING", position: null });
    expect(entry("a0")!.etaSeconds).toBeGreaterThanOrEqual(28);
    expect(entry("a0")!.etaSeconds).toBeLessThanOrEqual(30);
    // a1 starts when a0 ends (~30 s) and trains 10 s; each next one 10 s later.
    const starts = ["a1", "b1", "d1", "c1", "a2"].map((n) => entry(n)!.startsInSeconds!);
    const etas = ["a1", "b1", "d1", "c1", "a2"].map((n) => entry(n)!.etaSeconds!);
    for (const [i, s] of starts.entries()) expect(Math.abs(s - (30 + 10 * i))).toBeLessThanOrEqual(2);
    for (const [i, s] of etas.entries()) expect(Math.abs(s - (40 + 10 * i))).toBeLessThanOrEqual(2);
  });

  it("two workers: the others pass a student whose run is going; that student's runs follow one at a time", async () => {
    await setWorkers(2);
    snapshot = await readQueue();
    expect(snapshot.workers).toBe(2);
    // Worker 2 is free now, but a1 waits for a0 (~30 s): b1 (0–10), d1 (10–20), c1 (20–30) go first;
    // a1 starts at ~30 on either worker, and a2 waits for a1 (~40) though the other worker is free.
    expect(["b1", "d1", "c1", "a1", "a2"].map((n) => entry(n)?.position)).toEqual([1, 2, 3, 4, 5]);
    expect(entry("b1")!.startsInSeconds).toBe(0);
    expect(Math.abs(entry("a2")!.startsInSeconds! - 40)).toBeLessThanOrEqual(2);
    expect(Math.abs(entry("a2")!.etaSeconds! - 50)).toBeLessThanOrEqual(2);
  });

  it("positions move up as runs end", async () => {
    await setWorkers(1);
    await db.submission.update({ where: { id: ids("a0") }, data: { status: "SUCCEEDED", finishedAt: new Date() } });
    await db.submission.update({
      where: { id: ids("a1") },
      data: { status: "RUNNING", startedAt: new Date(), workerId: `q-${tag}:0`, progress: { etaMs: 10_000 } },
    });
    snapshot = await readQueue();
    expect(["b1", "d1", "c1", "a2"].map((n) => entry(n)?.position)).toEqual([1, 2, 3, 4]);
    expect(entry("a0")).toBeUndefined();
  });

  it("GraphQL: queuePosition and etaSeconds; one statement for the queue however long it is", async () => {
    const QUERY = `query($s: String!) { searchSubmissions(classSlug: $s, status: [QUEUED, RUNNING], first: 100) { nodes { id status queuePosition etaSeconds } } }`;
    const owner = viewerOf(ids("owner"));
    const run = async () => {
      const { value, queries } = await recordQueries(() => gql(owner, QUERY, { s: ids("k1") }));
      expect(value.errors).toBeUndefined();
      return { nodes: value.data!.searchSubmissions.nodes as { id: string; queuePosition: number | null }[], queries };
    };
    const before = await run();
    const position = Object.fromEntries(before.nodes.map((n) => [n.id, n.queuePosition]));
    expect(position[ids("b1")]).toBe(1);
    expect(position[ids("a2")]).toBe(4);
    expect(position[ids("a1")]).toBeNull(); // running
    // 200 more queued runs (every one its own student, in the class): the same statements.
    const more = Array.from({ length: 200 }, (_, i) => ids(`x${i}`));
    await db.user.createMany({
      data: more.map((id) => ({ id, email: `${id}@example.test`, name: id, passwordHash: "x" })),
    });
    await db.submission.createMany({
      data: more.map((id, i) => ({
        id,
        authorId: id,
        classId: ids("k1"),
        name: id,
        architecture: MLP,
        training: {},
        status: "QUEUED" as const,
        createdAt: at(100 + i),
      })),
    });
    const after = await run();
    expect(after.nodes).toHaveLength(100);
    expect(after.queries.length).toBe(before.queries.length);
    const queueStatements = after.queries.filter((q) => q.includes("percentile_cont"));
    expect(queueStatements).toHaveLength(1);
  });
});
