import "server-only";
import { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import { SubmissionStatus } from "@/generated/prisma/enums";
import { requireClassAccess } from "../../access";
import { db } from "../../db";
import { badInput, forbidden } from "../../errors";
import { classSlugSchema, idSchema, parseInput } from "../../input";
import { toSubmissionViews } from "../../redaction";
import type { Viewer } from "../../viewer";
import { type SubmissionView, submissionSelect } from "../submissions/view";

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 25;

const searchSubmissionsSchema = z
  .object({
    classSlug: classSlugSchema,
    studentId: idSchema.nullish(),
    status: z.array(z.enum(SubmissionStatus)).max(5).nullish(),
    from: z.coerce.date().nullish(),
    to: z.coerce.date().nullish(),
    /** true: only final selections; false: only the others. */
    final: z.boolean().nullish(),
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
    ...(data.status?.length ? { status: { in: data.status } } : {}),
    ...(typeof data.final === "boolean" ? { finalSelectedAt: data.final ? { not: null } : null } : {}),
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
    nodes: await toSubmissionViews(page, access),
    endCursor: hasNextPage && last ? encodeCursor(last) : null,
    hasNextPage,
    totalCount,
  };
}
