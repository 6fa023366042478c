import "server-only";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import type { NoticeKind } from "@/generated/prisma/enums";
import { requireOwnNotices } from "../../access";
import { db } from "../../db";
import { parseInput } from "../../input";
import type { Viewer } from "../../viewer";

export interface Notice {
  id: string;
  kind: NoticeKind;
  createdAt: Date;
  readAt: Date | null;
  submissionId: string;
  submissionName: string;
  classSlug: string;
  className: string;
  /** The run's public-half accuracy (what its author's board shows) once it succeeded. */
  accuracy: number | null;
  /** Why it failed, for a failed run. */
  failureReason: string | null;
}

export interface NoticeList {
  unreadCount: number;
  notices: Notice[];
}

export const listNoticesSchema = z.object({
  unreadOnly: z.boolean().default(false),
  first: z.number().int().min(1).max(50).default(20),
});

/**
 * The viewer's notices, newest first, with the unread count, in one statement: the header polls
 * this on every page, for every signed-in student. Only classes the viewer still belongs to.
 */
export async function listNotices(viewer: Viewer, input: unknown = {}): Promise<NoticeList> {
  const { userId, classId } = requireOwnNotices(viewer, "read");
  const { unreadOnly, first } = parseInput(listNoticesSchema, input ?? {});
  const rows = await db.$queryRaw<(Notice & { unreadCount: number })[]>`
    SELECT n.id, n.kind::text AS kind, n."createdAt", n."readAt", s.id AS "submissionId", s.name AS "submissionName",
      c.slug AS "classSlug", c.name AS "className",
      CASE WHEN n.kind = 'SUCCEEDED' THEN COALESCE(r."publicAccuracy", r."testAccuracy") END AS accuracy,
      CASE WHEN n.kind = 'FAILED' THEN s."failureReason" END AS "failureReason",
      (count(*) FILTER (WHERE n."readAt" IS NULL) OVER ())::int AS "unreadCount"
    FROM "Notice" n
    JOIN "Submission" s ON s.id = n."submissionId"
    JOIN "Class" c ON c.id = s."classId"
    JOIN "Membership" m ON m."classId" = s."classId" AND m."userId" = n."userId"
    LEFT JOIN "Result" r ON r."submissionId" = s.id
    WHERE n."userId" = ${userId}
      ${classId ? Prisma.sql`AND s."classId" = ${classId}` : Prisma.empty}
      ${unreadOnly ? Prisma.sql`AND n."readAt" IS NULL` : Prisma.empty}
    ORDER BY n."createdAt" DESC, n.id DESC
    LIMIT ${first}`;
  return {
    unreadCount: rows[0]?.unreadCount ?? 0,
    notices: rows.map(({ unreadCount: _count, ...notice }) => notice),
  };
}
