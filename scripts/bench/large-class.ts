import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/generated/prisma/client";

// A class the size the issue asks the leaderboard to handle (200 students × 20 submissions), written
// with a handful of bulk inserts: used by the N+1 test and by `npm run bench:api`.

/** A small MLP (Dense 128 tanh → Dense 10 softmax) in Keras's JSON form; the GraphQL API tests submit it too. */
export const MLP = {
  class_name: "Sequential",
  config: {
    name: "mlp",
    layers: [
      { class_name: "InputLayer", config: { batch_input_shape: [null, 784], name: "input_1" } },
      { class_name: "Dense", config: { name: "dense_1", units: 128, activation: "tanh" } },
      { class_name: "Dense", config: { name: "dense_2", units: 10, activation: "softmax" } },
    ],
  },
};

// Never a real password hash: these accounts cannot sign in. Shaped like argon2id to pass the CHECK.
const NO_PASSWORD = "$argon2id$v=19$m=19456,t=2,p=1$bm90LWEtcmVhbC1oYXNo$bm90LWEtcmVhbC1oYXNoLW5vdC1hLXJlYWwtaGFzaA";

export interface LargeClass {
  classId: string;
  slug: string;
  ownerId: string;
  studentIds: string[];
}

export async function seedLargeClass(
  db: PrismaClient,
  options: {
    students: number;
    perStudent: number;
    slug?: string;
    ownerId?: string;
    /**
     * Test images each student's latest run has predictions for (what class analytics recounts on
     * the public half for students): 10,000 for the real test set, the subset's size in tests.
     */
    predictionBytes?: number;
  },
): Promise<LargeClass> {
  const tag = randomUUID().slice(0, 8);
  const slug = options.slug ?? `large-${tag}`;
  const ownerId = options.ownerId ?? `owner-${tag}`;
  if (!options.ownerId) {
    await db.user.create({
      data: { id: ownerId, email: `owner.${tag}@example.test`, name: "Large Owner", passwordHash: NO_PASSWORD },
    });
  }
  const klass = await db.class.create({
    data: {
      name: `Large class ${tag}`,
      slug,
      joinCode: tag
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, "X")
        .padEnd(8, "X"),
      memberships: { create: { userId: ownerId, role: "OWNER" } },
    },
    select: { id: true },
  });
  const studentIds = Array.from({ length: options.students }, (_, i) => `student-${tag}-${i}`);
  await db.user.createMany({
    data: studentIds.map((id, i) => ({
      id,
      email: `s${i}.${tag}@example.test`,
      name: `Student ${i}`,
      passwordHash: NO_PASSWORD,
    })),
  });
  await db.membership.createMany({ data: studentIds.map((userId) => ({ userId, classId: klass.id })) });
  const base = Date.now() - options.perStudent * options.students * 1000;
  const submissions = studentIds.flatMap((authorId, s) =>
    Array.from({ length: options.perStudent }, (_, k) => {
      const at = new Date(base + (s * options.perStudent + k) * 1000);
      return {
        id: `sub-${tag}-${s}-${k}`,
        authorId,
        classId: klass.id,
        name: `model ${k}`,
        architecture: MLP,
        training: {},
        status: "SUCCEEDED" as const,
        createdAt: at,
        startedAt: at,
        finishedAt: at,
      };
    }),
  );
  for (let i = 0; i < submissions.length; i += 2000)
    await db.submission.createMany({ data: submissions.slice(i, i + 2000) });
  const cm = Array.from({ length: 10 }, (_, r) => Array.from({ length: 10 }, (_, c) => (r === c ? 900 : 11)));
  const predictionBytes = options.predictionBytes ?? 10_000;
  const results = submissions.map((sub, i) => {
    // Deterministic, distinct scores: the ordering is checkable.
    const acc = 0.7 + ((i * 7919) % 2500) / 10_000;
    // Only the latest run of each student (what the confused pairs read) stores predictions,
    // deterministic and not tied to any labels: 2 MB for 200 students instead of 40.
    const latest = i % options.perStudent === options.perStudent - 1;
    return {
      submissionId: sub.id,
      testAccuracy: acc,
      testLoss: 0.3,
      publicAccuracy: acc + 0.001,
      privateAccuracy: acc - 0.001,
      confusionMatrix: cm,
      perClass: [],
      history: [],
      paramCount: 101_770,
      epochs: 5,
      backend: "wasm",
      trainDurationMs: 10_000,
      evalDurationMs: 300,
      predictions: latest
        ? Buffer.from(Uint8Array.from({ length: predictionBytes }, (_, k) => (k * 7 + i) % 10))
        : null,
      // The MLP's traits, as the worker stores them (services/analytics/traits.ts).
      flops: 203_264,
      depth: 2,
      maxDropout: 0,
    };
  });
  for (let i = 0; i < results.length; i += 2000) await db.result.createMany({ data: results.slice(i, i + 2000) });
  // Planner statistics, as autovacuum would have them on a live database: right after a bulk
  // insert the planner thinks the tables are empty and picks nested loops.
  await db.$executeRawUnsafe(`ANALYZE "User", "Membership", "Submission", "Result"`);
  return { classId: klass.id, slug, ownerId, studentIds };
}
