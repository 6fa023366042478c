import "server-only";
import { db } from "../../db";
import type { ClassAnalytics } from "./open";

export interface AnalyticsDay {
  /** The UTC day the runs finished, YYYY-MM-DD. */
  day: string;
  runs: number;
  best: number;
  median: number;
  /** The best accuracy of any run finished on or before this day. */
  bestSoFar: number;
}

/**
 * The class's best and median accuracy per day, over the runs that finished that day (UTC days:
 * a class has no time zone of its own yet), in one statement. Days without a finished run are
 * absent.
 */
export async function analyticsByDay(analytics: ClassAnalytics): Promise<AnalyticsDay[]> {
  return db.$queryRaw<AnalyticsDay[]>`
    SELECT to_char(d, 'YYYY-MM-DD') AS day, count(*)::int AS runs, max(acc) AS best,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY acc) AS median,
      max(max(acc)) OVER (ORDER BY d) AS "bestSoFar"
    FROM (
      -- finishedAt is stored in UTC (timestamp without time zone), so its day is the UTC day.
      SELECT date_trunc('day', COALESCE(s."finishedAt", r."createdAt")) AS d, ${analytics.accuracySql} AS acc
      FROM "Submission" s JOIN "Result" r ON r."submissionId" = s.id
      WHERE s."classId" = ${analytics.access.classId} AND s.status = 'SUCCEEDED'
    ) runs
    GROUP BY d ORDER BY d`;
}
