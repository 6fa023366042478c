import { requireClassAccess } from "../access";
import { db } from "../db";
import type { Viewer } from "../viewer";

export interface LeaderboardRow {
  rank: number;
  submissionId: string;
  submissionName: string;
  student: { id: string; name: string };
  /** Accuracy on the public half of the test set (the whole test set if no split was scored). */
  publicAccuracy: number;
  /** Only for graders, or for everyone once the grader reveals the private board. */
  privateAccuracy: number | null;
  paramCount: number;
  epochs: number;
  trainDurationMs: number;
  submittedAt: Date;
}

interface Row {
  submissionId: string;
  submissionName: string;
  authorId: string;
  authorName: string;
  publicAccuracy: number;
  privateAccuracy: number | null;
  paramCount: number;
  epochs: number;
  trainDurationMs: number;
  submittedAt: Date;
}

/**
 * Each student's best succeeded submission, ranked by public accuracy (ties: earlier wins).
 * One query whatever the class size: DISTINCT ON picks the best row per student in Postgres.
 */
export async function getLeaderboard(viewer: Viewer, classSlug: string): Promise<LeaderboardRow[]> {
  const access = await requireClassAccess(viewer, { slug: classSlug });
  const klass = await db.class.findUniqueOrThrow({
    where: { id: access.classId },
    select: { privateRevealed: true },
  });
  const rows = await db.$queryRaw<Row[]>`
    SELECT * FROM (
      SELECT DISTINCT ON (s."authorId")
        s.id AS "submissionId", s.name AS "submissionName", s."authorId", u.name AS "authorName",
        COALESCE(r."publicAccuracy", r."testAccuracy") AS "publicAccuracy", r."privateAccuracy",
        r."paramCount", r.epochs, r."trainDurationMs", s."createdAt" AS "submittedAt"
      FROM "Submission" s
      JOIN "Result" r ON r."submissionId" = s.id
      JOIN "User" u ON u.id = s."authorId"
      WHERE s."classId" = ${access.classId} AND s.status = 'SUCCEEDED'
      ORDER BY s."authorId", COALESCE(r."publicAccuracy", r."testAccuracy") DESC, s."createdAt" ASC
    ) best
    ORDER BY "publicAccuracy" DESC, "submittedAt" ASC`;
  const showPrivate = access.isGrader || klass.privateRevealed;
  return rows.map((row, index) => ({
    rank: index + 1,
    submissionId: row.submissionId,
    submissionName: row.submissionName,
    student: { id: row.authorId, name: row.authorName },
    publicAccuracy: row.publicAccuracy,
    privateAccuracy: showPrivate ? row.privateAccuracy : null,
    paramCount: row.paramCount,
    epochs: row.epochs,
    trainDurationMs: row.trainDurationMs,
    submittedAt: row.submittedAt,
  }));
}
