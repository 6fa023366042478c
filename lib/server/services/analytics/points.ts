import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { parseTrainingConfig } from "@/trainer/arch";
import { db } from "../../db";
import { authorNumbersSql, type ClassAnalytics, who } from "./open";
import { traitsOfArchitecture } from "./traits";

/** One succeeded run of the class, as the scatter plots and the parallel coordinates draw it. */
export interface AnalyticsPoint {
  /** Null for classmates' runs while names are hidden: the id would lead to the leaderboard's name. */
  submissionId: string | null;
  submissionName: string | null;
  /** The author's name, or "Student N" / "You" while names are hidden (open.ts `who`). */
  who: string;
  mine: boolean;
  authorId: string | null;
  /** On the scope the viewer may see (ClassAnalytics.scope). */
  accuracy: number;
  paramCount: number;
  /** Forward FLOPs per image; null when the stored architecture no longer parses. */
  flops: number | null;
  trainDurationMs: number;
  optimizer: string;
  learningRate: number;
  batchSize: number;
  /** Epochs trained (early stopping may end a run before its maximum). */
  epochs: number;
  /** Weighted layers (Dense, convolutions). */
  depth: number | null;
  /** The largest dropout rate in the architecture, 0 without dropout. */
  maxDropout: number | null;
  submittedAt: Date;
}

interface Row {
  id: string;
  name: string;
  authorId: string;
  authorName: string | null;
  authorNumber: number;
  accuracy: number;
  paramCount: number;
  flops: number | null;
  depth: number | null;
  maxDropout: number | null;
  trainDurationMs: number;
  epochs: number;
  optimizer: string | null;
  learningRate: number | null;
  batchSize: number | null;
  architecture: unknown;
  submittedAt: Date;
}

const loaded = new WeakMap<ClassAnalytics, Promise<AnalyticsPoint[]>>();

/**
 * Every succeeded run of the class, oldest first: one statement, read once per request however
 * many views use it (the Pareto fronts are computed from these). Hyperparameters come from the
 * stored training config (validated, defaults filled in, at submission), FLOPs, depth and dropout
 * from the Result's columns; only rows scored before those existed send their architecture to be
 * parsed here (traits.ts).
 */
export function analyticsPoints(analytics: ClassAnalytics): Promise<AnalyticsPoint[]> {
  let points = loaded.get(analytics);
  if (!points) {
    points = load(analytics);
    loaded.set(analytics, points);
  }
  return points;
}

const num = (path: string) =>
  Prisma.sql`CASE WHEN jsonb_typeof(s.training -> ${path}) = 'number' THEN (s.training ->> ${path})::float8 END`;

async function load(analytics: ClassAnalytics): Promise<AnalyticsPoint[]> {
  const { classId } = analytics.access;
  const rows = await db.$queryRaw<Row[]>`
    WITH authors AS (${authorNumbersSql(classId)})
    SELECT s.id, s.name, s."authorId", ${analytics.showsNames ? Prisma.sql`u.name` : Prisma.sql`NULL::text`} AS "authorName",
      a.n AS "authorNumber", ${analytics.accuracySql} AS accuracy, r."paramCount", r.flops, r.depth, r."maxDropout",
      r."trainDurationMs", r.epochs, s.training ->> 'optimizer' AS optimizer,
      ${num("learningRate")} AS "learningRate", ${num("batchSize")}::int AS "batchSize",
      CASE WHEN r.flops IS NULL OR r.depth IS NULL OR r."maxDropout" IS NULL THEN s.architecture END AS architecture,
      s."createdAt" AS "submittedAt"
    FROM "Submission" s
    JOIN "Result" r ON r."submissionId" = s.id
    JOIN authors a ON a."authorId" = s."authorId"
    ${analytics.showsNames ? Prisma.sql`JOIN "User" u ON u.id = s."authorId"` : Prisma.empty}
    WHERE s."classId" = ${classId} AND s.status = 'SUCCEEDED'
    ORDER BY s."createdAt", s.id`;
  // A config stored without a field (none are since validation fills defaults in) means the default.
  const defaults = parseTrainingConfig({});
  if (!defaults.ok) throw new Error("the trainer's default training config does not parse");
  return rows.map((row) => {
    const traits = row.architecture == null ? null : traitsOfArchitecture(row.architecture);
    const open = analytics.showsNames || row.authorId === analytics.access.viewer.userId;
    return {
      submissionId: open ? row.id : null,
      submissionName: open ? row.name : null,
      ...who(analytics, { id: row.authorId, name: row.authorName, number: row.authorNumber }),
      accuracy: row.accuracy,
      paramCount: row.paramCount,
      flops: row.flops ?? traits?.flops ?? null,
      trainDurationMs: row.trainDurationMs,
      optimizer: row.optimizer ?? defaults.config.optimizer,
      learningRate: row.learningRate ?? defaults.config.learningRate,
      batchSize: row.batchSize ?? defaults.config.batchSize,
      epochs: row.epochs,
      depth: row.depth ?? traits?.depth ?? null,
      maxDropout: row.maxDropout ?? traits?.maxDropout ?? null,
      submittedAt: row.submittedAt,
    };
  });
}
