import "server-only";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { CLASS_NAMES } from "@/trainer/arch";
import { db } from "../../db";
import { parseInput } from "../../input";
import { splitFor, testLabels } from "../../test-set";
import type { AnalyticsScope, ClassAnalytics } from "./open";

export interface ConfusedPair {
  trueClass: number;
  trueName: string;
  predictedClass: number;
  predictedName: string;
  /** Test images of `trueClass` predicted as `predictedClass`, summed over the runs counted. */
  count: number;
}

export interface ConfusedPairs {
  scope: AnalyticsScope;
  /** Runs summed: each author's latest succeeded run (on the public half, those with stored predictions). */
  runs: number;
  /** Latest runs left out: scored before predictions were stored, so the public half can't be recounted. */
  runsWithoutPredictions: number;
  /** Most confused first (ties: by true, then predicted class). */
  pairs: ConfusedPair[];
}

export const confusedPairsInputSchema = z.object({ limit: z.number().int().min(1).max(90).default(10) });

const CLASSES = CLASS_NAMES.length;

/**
 * The class's most confused pairs (true → predicted, off the diagonal), summed over each author's
 * latest succeeded run, in one statement. Full-test-set confusion matrices are private aggregates
 * (redaction.ts), so a viewer without private scores gets the public half, recounted here from
 * the runs' stored predictions exactly as test-set.ts `scoreOn` does; with private scores the
 * stored matrices are summed. The recount reads 10 kB a run and counts 5,000 images each: about
 * 2 MB and 10⁶ steps for 200 students (bench/api.ts, the analytics scenario, measures it).
 */
export async function analyticsConfusedPairs(analytics: ClassAnalytics, input: unknown = {}): Promise<ConfusedPairs> {
  const { limit } = parseInput(confusedPairsInputSchema, input ?? {});
  const full = analytics.scope === "FULL_TEST_SET";
  // The latest by submission time; DISTINCT ON groups authors by bytes (the leaderboard's reason).
  const rows = await db.$queryRaw<{ confusionMatrix: unknown; predictions: Uint8Array | null }[]>`
    SELECT DISTINCT ON (s."authorId" COLLATE "C")
      ${full ? Prisma.sql`r."confusionMatrix", NULL::bytea AS predictions` : Prisma.sql`NULL::jsonb AS "confusionMatrix", r.predictions`}
    FROM "Submission" s JOIN "Result" r ON r."submissionId" = s.id
    WHERE s."classId" = ${analytics.access.classId} AND s.status = 'SUCCEEDED'
    ORDER BY s."authorId" COLLATE "C", s."createdAt" DESC, s.id DESC`;
  const counts = new Float64Array(CLASSES * CLASSES);
  let runs = 0;
  let runsWithoutPredictions = 0;
  if (full) {
    for (const row of rows) {
      const matrix = row.confusionMatrix as number[][];
      for (let t = 0; t < CLASSES; t++)
        for (let p = 0; p < CLASSES; p++) counts[t * CLASSES + p]! += matrix[t]?.[p] ?? 0;
      runs++;
    }
  } else {
    const labels = await testLabels();
    for (const row of rows) {
      const predictions = row.predictions;
      if (!predictions || !labels || labels.length < predictions.length) {
        runsWithoutPredictions++;
        continue;
      }
      for (const i of splitFor(predictions.length).public) counts[labels[i]! * CLASSES + predictions[i]!]! += 1;
      runs++;
    }
  }
  const pairs: ConfusedPair[] = [];
  for (let t = 0; t < CLASSES; t++) {
    for (let p = 0; p < CLASSES; p++) {
      const count = counts[t * CLASSES + p]!;
      if (t === p || count === 0) continue;
      pairs.push({ trueClass: t, trueName: CLASS_NAMES[t]!, predictedClass: p, predictedName: CLASS_NAMES[p]!, count });
    }
  }
  pairs.sort((a, b) => b.count - a.count || a.trueClass - b.trueClass || a.predictedClass - b.predictedClass);
  return { scope: analytics.scope, runs, runsWithoutPredictions, pairs: pairs.slice(0, limit) };
}
