import "server-only";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { requireOwnNotices } from "../../access";
import { db } from "../../db";
import { idSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";

export const markNoticesReadSchema = z.object({
  /** The notices to dismiss; omitted: all of the viewer's unread ones. */
  ids: z.array(idSchema).min(1).max(100).optional(),
});

/**
 * Dismisses the viewer's notices (others' ids match nothing, so they are not told apart from
 * unknown ones). Returns how many were unread and now are read.
 */
export async function markNoticesRead(viewer: Viewer, input: unknown = {}): Promise<number> {
  const { userId, classId } = requireOwnNotices(viewer, "write");
  const { ids } = parseInput(markNoticesReadSchema, input ?? {});
  return db.$executeRaw`
    UPDATE "Notice" n SET "readAt" = now()
    WHERE n."userId" = ${userId} AND n."readAt" IS NULL
      ${ids ? Prisma.sql`AND n.id IN (${Prisma.join(ids)})` : Prisma.empty}
      ${classId ? Prisma.sql`AND EXISTS (SELECT 1 FROM "Submission" s WHERE s.id = n."submissionId" AND s."classId" = ${classId})` : Prisma.empty}`;
}
