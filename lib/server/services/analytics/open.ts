import "server-only";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { type ClassAccess, requireClassAccess } from "../../access";
import { classSlugSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";

// Class analytics (issue #14): one access check, then each view (points.ts, pareto-front.ts,
// by-day.ts, confused-pairs.ts) in one statement of its own, run only when asked for. What the
// viewer sees is decided by access.ts: `can.privateScores` picks the accuracy and the test-set
// scope, `can.names` whether classmates are named or pseudonymous.

export const openAnalyticsSchema = z.object({ classSlug: classSlugSchema });

export type AnalyticsScope = "FULL_TEST_SET" | "PUBLIC_HALF";

export interface ClassAnalytics {
  access: ClassAccess;
  /** Which test images the accuracies (and the confused pairs) are counted on. */
  scope: AnalyticsScope;
  /** Classmates by name; otherwise "Student N" (and "You" for the viewer's own runs). */
  showsNames: boolean;
  /** The accuracy column the viewer may see, as the leaderboard ranks by it. */
  accuracySql: Prisma.Sql;
}

export async function openClassAnalytics(viewer: Viewer, input: unknown): Promise<ClassAnalytics> {
  const { classSlug } = parseInput(openAnalyticsSchema, input);
  const access = await requireClassAccess(viewer, { slug: classSlug });
  const full = access.can.privateScores;
  return {
    access,
    scope: full ? "FULL_TEST_SET" : "PUBLIC_HALF",
    showsNames: access.can.names,
    // Without a split (older runs) the public accuracy is the full one, as on the leaderboard.
    accuracySql: full ? Prisma.sql`r."testAccuracy"` : Prisma.sql`COALESCE(r."publicAccuracy", r."testAccuracy")`,
  };
}

/**
 * Pseudonyms that stay put: "Student N" is the Nth author to submit anything in the class
 * (submissions are never deleted, so a later author never renumbers an earlier one). The SQL
 * fragment numbers every author of the class; `who` applies it for one viewer.
 */
export const authorNumbersSql = (classId: string) => Prisma.sql`
  SELECT "authorId", row_number() OVER (ORDER BY min("createdAt"), "authorId" COLLATE "C")::int AS n
  FROM "Submission" WHERE "classId" = ${classId} GROUP BY "authorId"`;

export function who(
  analytics: ClassAnalytics,
  author: { id: string; name: string | null; number: number },
): { who: string; mine: boolean; authorId: string | null } {
  const mine = author.id === analytics.access.viewer.userId;
  if (analytics.showsNames) return { who: author.name ?? `Student ${author.number}`, mine, authorId: author.id };
  return { who: mine ? "You" : `Student ${author.number}`, mine, authorId: mine ? author.id : null };
}
