import { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import type { SubmissionStatus } from "@/generated/prisma/enums";
import { requireClassAccess } from "../access";
import { db } from "../db";
import { forbidden, notFound } from "../errors";
import { parseInput } from "../input";
import type { Viewer } from "../viewer";

// Limits on what a client may store, checked before anything reaches the database.
export const MAX_ARCHITECTURE_BYTES = 256 * 1024;
export const MAX_JSON_DEPTH = 32;

function jsonDepth(value: unknown, depth = 0): number {
  if (depth > MAX_JSON_DEPTH) return depth;
  if (Array.isArray(value)) return Math.max(depth, ...value.map((v) => jsonDepth(v, depth + 1)));
  if (value && typeof value === "object") {
    return Math.max(depth, ...Object.values(value).map((v) => jsonDepth(v, depth + 1)));
  }
  return depth;
}

const jsonObject = (what: string) =>
  z
    .unknown()
    .transform((value, ctx) => {
      // Accept JSON text as well as parsed JSON: people paste `model.to_json()` output.
      if (typeof value === "string") {
        try {
          return JSON.parse(value) as unknown;
        } catch (error) {
          ctx.addIssue({ code: "custom", message: `${what} is not valid JSON: ${(error as Error).message}` });
          return z.NEVER;
        }
      }
      return value;
    })
    .refine((v) => v !== null && typeof v === "object" && !Array.isArray(v), `${what} must be a JSON object.`)
    .refine((v) => JSON.stringify(v).length <= MAX_ARCHITECTURE_BYTES, `${what} is larger than 256 KiB.`)
    .refine((v) => jsonDepth(v) <= MAX_JSON_DEPTH, `${what} is nested deeper than ${MAX_JSON_DEPTH} levels.`)
    .transform((v) => v as Prisma.InputJsonObject);

export const submitSchema = z.object({
  classSlug: z.string().min(1),
  name: z.string().trim().min(1, "Give the submission a name.").max(100, "Keep the name under 100 characters."),
  architecture: jsonObject("The architecture"),
  training: jsonObject("The training configuration").default({}),
});

export interface ResultView {
  testAccuracy: number;
  testLoss: number;
  publicAccuracy: number | null;
  privateAccuracy: number | null;
  confusionMatrix: number[][];
  history: unknown;
  paramCount: number;
  epochs: number;
  backend: string;
  trainDurationMs: number;
  evalDurationMs: number;
}

export interface SubmissionView {
  id: string;
  name: string;
  status: SubmissionStatus;
  failureReason: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  author: { id: string; name: string };
  classSlug: string;
  architecture: unknown;
  training: unknown;
  progress: unknown;
  result: ResultView | null;
}

const submissionSelect = {
  id: true,
  name: true,
  status: true,
  failureReason: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  architecture: true,
  training: true,
  progress: true,
  classId: true,
  author: { select: { id: true, name: true } },
  class: { select: { slug: true } },
  result: {
    select: {
      testAccuracy: true,
      testLoss: true,
      publicAccuracy: true,
      privateAccuracy: true,
      confusionMatrix: true,
      history: true,
      paramCount: true,
      epochs: true,
      backend: true,
      trainDurationMs: true,
      evalDurationMs: true,
    },
  },
} as const satisfies Prisma.SubmissionSelect;

type SubmissionRow = Prisma.SubmissionGetPayload<{ select: typeof submissionSelect }>;

function toView(row: SubmissionRow): SubmissionView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    failureReason: row.failureReason,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    author: row.author,
    classSlug: row.class.slug,
    architecture: row.architecture,
    training: row.training,
    progress: row.progress,
    result: row.result ? { ...row.result, confusionMatrix: row.result.confusionMatrix as number[][] } : null,
  };
}

export async function createSubmission(viewer: Viewer, input: unknown): Promise<SubmissionView> {
  const data = parseInput(submitSchema, input);
  const access = await requireClassAccess(viewer, { slug: data.classSlug }, { intent: "write" });
  const row = await db.submission.create({
    data: {
      name: data.name,
      architecture: data.architecture,
      training: data.training,
      authorId: access.viewer.userId,
      classId: access.classId,
    },
    select: submissionSelect,
  });
  return toView(row);
}

export async function getSubmission(viewer: Viewer, id: string): Promise<SubmissionView> {
  const row = await db.submission.findUnique({ where: { id }, select: submissionSelect });
  if (!row) throw notFound("The submission");
  const access = await requireClassAccess(viewer, { id: row.classId });
  // Students see their own submissions in full; others' only as leaderboard rows.
  if (!access.isGrader && row.author.id !== access.viewer.userId) {
    throw forbidden("You can only open your own submissions.");
  }
  return toView(row);
}

/** A grader gets every submission of the class, a student only their own; newest first. */
export async function listSubmissions(
  viewer: Viewer,
  classSlug: string,
  options: { take?: number } = {},
): Promise<SubmissionView[]> {
  const access = await requireClassAccess(viewer, { slug: classSlug });
  const rows = await db.submission.findMany({
    where: { classId: access.classId, ...(access.isGrader ? {} : { authorId: access.viewer.userId }) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(options.take ?? 100, 500),
    select: submissionSelect,
  });
  return rows.map(toView);
}
