import "server-only";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { requireClassAccess } from "../../access";
import { db } from "../../db";
import { classSlugSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";
import { getLeaderboard, leaderboardOptionsSchema } from "../leaderboard";

/**
 * RFC 4180 with CRLF line ends (what spreadsheets expect), timestamps in ISO 8601, and a leading
 * apostrophe on text a spreadsheet would otherwise run as a formula (CSV injection: a student can
 * name a submission "=HYPERLINK(…)").
 */
function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return stringify([header, ...rows], {
    record_delimiter: "windows",
    cast: {
      date: (value) => value.toISOString(),
      // csv-stringify's default writes "1" and "": spell them out.
      boolean: (value) => (value ? "true" : "false"),
      string: (value) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value),
    },
  });
}

/** The leaderboard as the viewer sees it (private scores empty until revealed, for students). */
export async function leaderboardCsv(viewer: Viewer, input: unknown): Promise<string> {
  const data = parseInput(leaderboardOptionsSchema.extend({ classSlug: classSlugSchema }), input);
  const rows = await getLeaderboard(viewer, data.classSlug, { mode: data.mode, rankBy: data.rankBy });
  return toCsv(
    [
      "rank",
      "student_id",
      "student",
      "submission_id",
      "submission",
      "public_accuracy",
      "private_accuracy",
      "params",
      "epochs",
      "train_seconds",
      "submitted_at",
      // Marked final by its author (empty where the viewer may not see private scores).
      "final",
      // The row's score minus the student's best before it (empty for a first submission).
      "change_since_previous_best",
    ],
    rows.map((r) => [
      r.rank,
      r.student.id,
      r.student.name,
      r.submissionId,
      r.submissionName,
      r.publicAccuracy,
      r.privateAccuracy,
      r.paramCount,
      r.epochs,
      (r.trainDurationMs / 1000).toFixed(1),
      r.submittedAt,
      r.isFinal,
      r.previousBest === null ? null : r.score - r.previousBest,
    ]),
  );
}

interface ResultCsvRow {
  id: string;
  authorId: string;
  authorName: string;
  authorEmail: string;
  name: string;
  status: string;
  failureReason: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  testAccuracy: number | null;
  publicAccuracy: number | null;
  privateAccuracy: number | null;
  testLoss: number | null;
  paramCount: number | null;
  epochs: number | null;
  backend: string | null;
  trainDurationMs: number | null;
  finalSelectedAt: Date | null;
}

/** Every submission of the class with its result (graders only), oldest first. One query. */
export async function resultsCsv(viewer: Viewer, input: unknown): Promise<string> {
  const { classSlug } = parseInput(z.object({ classSlug: classSlugSchema }), input);
  const access = await requireClassAccess(viewer, { slug: classSlug }, { minRole: "GRADER" });
  const rows = await db.$queryRaw<ResultCsvRow[]>`
    SELECT s.id, s."authorId", u.name AS "authorName", u.email AS "authorEmail", s.name, s.status::text AS status,
           s."failureReason", s."createdAt", s."finishedAt", r."testAccuracy", r."publicAccuracy",
           r."privateAccuracy", r."testLoss", r."paramCount", r.epochs, r.backend, r."trainDurationMs",
           s."finalSelectedAt"
    FROM "Submission" s
    JOIN "User" u ON u.id = s."authorId"
    LEFT JOIN "Result" r ON r."submissionId" = s.id
    WHERE s."classId" = ${access.classId}
    ORDER BY s."createdAt", s.id`;
  return toCsv(
    [
      "submission_id",
      "student_id",
      "student",
      "email",
      "submission",
      "status",
      "failure_reason",
      "submitted_at",
      "finished_at",
      "test_accuracy",
      "public_accuracy",
      "private_accuracy",
      "test_loss",
      "params",
      "epochs",
      "backend",
      "train_seconds",
      "final",
      "final_selected_at",
    ],
    rows.map((r) => [
      r.id,
      r.authorId,
      r.authorName,
      r.authorEmail,
      r.name,
      r.status,
      r.failureReason,
      r.createdAt,
      r.finishedAt,
      r.testAccuracy,
      r.publicAccuracy,
      r.privateAccuracy,
      r.testLoss,
      r.paramCount,
      r.epochs,
      r.backend,
      r.trainDurationMs === null ? null : (r.trainDurationMs / 1000).toFixed(1),
      r.finalSelectedAt !== null,
      r.finalSelectedAt,
    ]),
  );
}
