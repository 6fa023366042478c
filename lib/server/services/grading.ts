import "server-only";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import type { Role, SubmissionStatus } from "@/generated/prisma/enums";
import { requireClassAccess, requireSubmissionAccess } from "../access";
import { db } from "../db";
import { badInput, forbidden, notFound } from "../errors";
import { parseInput } from "../input";
import { getBoss, sendJob } from "../queue/boss";
import { trainSubmission } from "../queue/jobs";
import { cellMembers } from "../test-set";
import type { Viewer } from "../viewer";
import { type ClassDetail, getClass } from "./classes";
import { getLeaderboard, leaderboardOptionsSchema } from "./leaderboard";
import { getSubmission, type SubmissionView, submissionSelect, toViews } from "./submissions";

// What graders (and owners) do to run a class: roster, every submission, re-scoring, settings,
// the private reveal, roles and CSV exports. Pages (server actions) and GraphQL call these same
// functions; each takes the viewer first and untrusted input second.

const slug = z.string().trim().min(1, "Name the class.").max(64);
const id = z.string().trim().min(1).max(64);

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

// ---------------------------------------------------------------------------------------------
// Roster

export interface RosterMember {
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: Date;
  submissionCount: number;
}

export async function listRoster(viewer: Viewer, input: unknown): Promise<RosterMember[]> {
  const { classSlug } = parseInput(z.object({ classSlug: slug }), input);
  const access = await requireClassAccess(viewer, { slug: classSlug }, { minRole: "GRADER" });
  const rows = await db.membership.findMany({
    where: { classId: access.classId },
    orderBy: [{ role: "desc" }, { user: { name: "asc" } }],
    select: {
      role: true,
      createdAt: true,
      user: {
        select: {
          id: true,
          name: true,
          email: true,
          _count: { select: { submissions: { where: { classId: access.classId } } } },
        },
      },
    },
  });
  return rows.map((m) => ({
    userId: m.user.id,
    name: m.user.name,
    email: m.user.email,
    role: m.role,
    joinedAt: m.createdAt,
    submissionCount: m.user._count.submissions,
  }));
}

export const setRoleSchema = z.object({
  classSlug: slug,
  userId: id,
  role: z.enum(["STUDENT", "GRADER", "OWNER"]),
});

/** Owner only. A class always keeps at least one owner: the last owner cannot step down. */
export async function setMemberRole(viewer: Viewer, input: unknown): Promise<RosterMember> {
  const data = parseInput(setRoleSchema, input);
  const access = await requireClassAccess(viewer, { slug: data.classSlug }, { minRole: "OWNER", intent: "write" });
  await db.$transaction(async (tx) => {
    // Locks the class's owner rows so two owners demoting each other at once can't both succeed.
    const owners = await tx.$queryRaw<Array<{ userId: string }>>`
      SELECT "userId" FROM "Membership" WHERE "classId" = ${access.classId} AND role = 'OWNER' FOR UPDATE`;
    const member = await tx.membership.findUnique({
      where: { userId_classId: { userId: data.userId, classId: access.classId } },
      select: { role: true },
    });
    if (!member) throw notFound("The member");
    if (member.role === "OWNER" && data.role !== "OWNER" && owners.length <= 1) {
      throw badInput("A class needs an owner: make someone else owner before stepping down.", [
        { path: "role", message: "This is the class's only owner." },
      ]);
    }
    await tx.membership.update({
      where: { userId_classId: { userId: data.userId, classId: access.classId } },
      data: { role: data.role },
      select: { role: true },
    });
  });
  const roster = await listRoster(viewer, { classSlug: data.classSlug }).catch(() => null);
  // The caller may have demoted themselves out of the roster view; answer from the row then.
  const member = roster?.find((m) => m.userId === data.userId);
  if (member) return member;
  const row = await db.membership.findUniqueOrThrow({
    where: { userId_classId: { userId: data.userId, classId: access.classId } },
    select: { role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
  });
  return {
    userId: row.user.id,
    name: row.user.name,
    email: row.user.email,
    role: row.role,
    joinedAt: row.createdAt,
    submissionCount: 0,
  };
}

/** Owner only; removes a member (their submissions stay). The last owner cannot be removed. */
export async function removeMember(viewer: Viewer, input: unknown): Promise<boolean> {
  const data = parseInput(z.object({ classSlug: slug, userId: id }), input);
  const access = await requireClassAccess(viewer, { slug: data.classSlug }, { minRole: "OWNER", intent: "write" });
  await db.$transaction(async (tx) => {
    const owners = await tx.$queryRaw<Array<{ userId: string }>>`
      SELECT "userId" FROM "Membership" WHERE "classId" = ${access.classId} AND role = 'OWNER' FOR UPDATE`;
    if (owners.length <= 1 && owners[0]?.userId === data.userId) {
      throw badInput("A class needs an owner: make someone else owner first.");
    }
    const removed = await tx.membership.deleteMany({ where: { classId: access.classId, userId: data.userId } });
    if (removed.count === 0) throw notFound("The member");
  });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Submissions: filters and cursor pagination

const STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;

export const searchSubmissionsSchema = z
  .object({
    classSlug: slug,
    studentId: id.nullish(),
    status: z.array(z.enum(STATUSES)).max(5).nullish(),
    from: z.coerce.date().nullish(),
    to: z.coerce.date().nullish(),
    first: z
      .number()
      .int()
      .min(1, "Ask for at least one submission.")
      .max(MAX_PAGE_SIZE, `At most ${MAX_PAGE_SIZE} submissions per page.`)
      .nullish(),
    after: z.string().max(200).nullish(),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { message: "`from` must not be after `to`.", path: ["from"] });

export interface SubmissionPage {
  nodes: SubmissionView[];
  /** Pass as `after` to get the next page; null on the last page. */
  endCursor: string | null;
  hasNextPage: boolean;
  totalCount: number;
}

// Cursor = the last row's (createdAt, id), the page's sort key: stable under inserts.
function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, rowId] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (!rowId || Number.isNaN(createdAt.getTime())) {
    throw badInput("The cursor is not valid; use `endCursor` from the previous page.", [
      { path: "after", message: "Invalid cursor." },
    ]);
  }
  return { createdAt, id: rowId };
}

/** Graders filter every submission of the class; a student gets only their own (the filter is forced). */
export async function searchSubmissions(viewer: Viewer, input: unknown): Promise<SubmissionPage> {
  const data = parseInput(searchSubmissionsSchema, input);
  const access = await requireClassAccess(viewer, { slug: data.classSlug });
  if (!access.isGrader && data.studentId && data.studentId !== access.viewer.userId) {
    throw forbidden("You can only list your own submissions.");
  }
  const authorId = access.isGrader ? (data.studentId ?? undefined) : access.viewer.userId;
  const where: Prisma.SubmissionWhereInput = {
    classId: access.classId,
    ...(authorId ? { authorId } : {}),
    ...(data.status?.length ? { status: { in: data.status as SubmissionStatus[] } } : {}),
    ...(data.from || data.to
      ? { createdAt: { ...(data.from ? { gte: data.from } : {}), ...(data.to ? { lte: data.to } : {}) } }
      : {}),
  };
  const after = data.after ? decodeCursor(data.after) : null;
  const pageWhere: Prisma.SubmissionWhereInput = after
    ? {
        AND: [
          where,
          { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] },
        ],
      }
    : where;
  const take = data.first ?? DEFAULT_PAGE_SIZE;
  const [rows, totalCount] = await Promise.all([
    db.submission.findMany({
      where: pageWhere,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: take + 1,
      select: submissionSelect,
    }),
    db.submission.count({ where }),
  ]);
  const hasNextPage = rows.length > take;
  const page = rows.slice(0, take);
  const last = page.at(-1);
  return {
    nodes: await toViews(page, access),
    endCursor: hasNextPage && last ? encodeCursor(last) : null,
    hasNextPage,
    totalCount,
  };
}

// ---------------------------------------------------------------------------------------------
// Re-scoring

/**
 * Trains a finished submission again (grader only): the old result is dropped and a fresh job is
 * queued in the same transaction as the reset, exactly like a new submission. Quotas don't apply.
 */
export async function rescoreSubmission(viewer: Viewer, input: unknown): Promise<SubmissionView> {
  const { submissionId } = parseInput(z.object({ submissionId: id }), input);
  const access = await requireSubmissionAccess(viewer, submissionId, { intent: "write", who: "grader" });
  await getBoss();
  await db.$transaction(async (tx) => {
    const reset = await tx.submission.updateMany({
      where: { id: submissionId, status: { in: ["SUCCEEDED", "FAILED", "CANCELLED"] } },
      data: {
        status: "QUEUED",
        failureReason: null,
        progress: Prisma.DbNull,
        startedAt: null,
        finishedAt: null,
        cancelRequestedAt: null,
        workerId: null,
        attempts: 0,
      },
    });
    if (reset.count !== 1)
      throw badInput("Only a finished submission can be re-scored; cancel a queued or running one first.");
    await tx.result.deleteMany({ where: { submissionId } });
    const jobId = await sendJob(trainSubmission, { submissionId }, { tx, group: { id: access.authorId } });
    await tx.submission.update({ where: { id: submissionId }, data: { jobId }, select: { id: true } });
  });
  return getSubmission(viewer, submissionId);
}

// ---------------------------------------------------------------------------------------------
// Class settings

export const classSettingsSchema = z.object({
  classSlug: slug,
  dailyQuota: z.number().int().min(0, "The quota cannot be negative.").max(1000, "At most 1000 a day.").optional(),
  /** null clears the deadline. */
  deadline: z.coerce.date().nullable().optional(),
  showArchitectures: z.boolean().optional(),
  privateRevealed: z.boolean().optional(),
});

/** Graders set the daily quota, deadline and what students see. Omitted fields stay as they are. */
export async function updateClassSettings(viewer: Viewer, input: unknown): Promise<ClassDetail> {
  const data = parseInput(classSettingsSchema, input);
  const access = await requireClassAccess(viewer, { slug: data.classSlug }, { minRole: "GRADER", intent: "write" });
  await db.class.update({
    where: { id: access.classId },
    data: {
      ...(data.dailyQuota !== undefined ? { dailyQuota: data.dailyQuota } : {}),
      ...(data.deadline !== undefined ? { deadline: data.deadline } : {}),
      ...(data.showArchitectures !== undefined ? { showArchitectures: data.showArchitectures } : {}),
      ...(data.privateRevealed !== undefined ? { privateRevealed: data.privateRevealed } : {}),
    },
    select: { id: true },
  });
  return getClass(viewer, data.classSlug);
}

/** Shows (or hides again) the private half's scores to students. */
export async function revealPrivateLeaderboard(viewer: Viewer, input: unknown): Promise<ClassDetail> {
  const data = parseInput(z.object({ classSlug: slug, revealed: z.boolean().default(true) }), input);
  return updateClassSettings(viewer, { classSlug: data.classSlug, privateRevealed: data.revealed });
}

// ---------------------------------------------------------------------------------------------
// Per-image predictions

export const examplesSchema = z.object({
  submissionId: id,
  trueClass: z.number().int().min(0).max(9),
  predictedClass: z.number().int().min(0).max(9),
  limit: z.number().int().min(1).max(200).default(24),
});

export interface PredictionExamples {
  /** Test-set indices (in the IDX file's order) of images with this true and predicted class. */
  indices: number[];
  /** How many such images there are in the part of the test set the viewer may see. */
  total: number;
  scope: "FULL_TEST_SET" | "PUBLIC_HALF";
}

/**
 * The test images behind one confusion-matrix cell: the same list as the web gallery's
 * (gallery.ts getCellImages), from the same split. Graders get the whole test set; the author
 * only the public half (before and after the reveal): a per-image list of the private half
 * amounts to handing out its labels.
 */
export async function getPredictionExamples(viewer: Viewer, input: unknown): Promise<PredictionExamples> {
  const data = parseInput(examplesSchema, input);
  const access = await requireSubmissionAccess(viewer, data.submissionId);
  const stored = await db.result.findUnique({
    where: { submissionId: data.submissionId },
    select: { predictions: true },
  });
  const scope = access.can.privateImages ? "all" : "public";
  const predictions = stored?.predictions ? new Uint8Array(stored.predictions) : null;
  const cell = predictions && (await cellMembers(predictions, scope, data.trueClass, data.predictedClass, data.limit));
  return {
    indices: cell?.indices ?? [],
    total: cell?.total ?? 0,
    scope: scope === "all" ? "FULL_TEST_SET" : "PUBLIC_HALF",
  };
}

// ---------------------------------------------------------------------------------------------
// CSV exports

/** RFC 4180 quoting, and a leading apostrophe on text a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** The leaderboard as the viewer sees it (private scores empty until revealed, for students). */
export async function leaderboardCsv(viewer: Viewer, input: unknown): Promise<string> {
  const data = parseInput(leaderboardOptionsSchema.extend({ classSlug: slug }), input);
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
}

/** Every submission of the class with its result (graders only), oldest first. One query. */
export async function resultsCsv(viewer: Viewer, input: unknown): Promise<string> {
  const { classSlug } = parseInput(z.object({ classSlug: slug }), input);
  const access = await requireClassAccess(viewer, { slug: classSlug }, { minRole: "GRADER" });
  const rows = await db.$queryRaw<ResultCsvRow[]>`
    SELECT s.id, s."authorId", u.name AS "authorName", u.email AS "authorEmail", s.name, s.status::text AS status,
           s."failureReason", s."createdAt", s."finishedAt", r."testAccuracy", r."publicAccuracy",
           r."privateAccuracy", r."testLoss", r."paramCount", r.epochs, r.backend, r."trainDurationMs"
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
    ]),
  );
}
