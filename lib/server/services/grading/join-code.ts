import "server-only";
import { z } from "zod";
import { requireClassAccess } from "../../access";
import { db } from "../../db";
import { classSlugSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";
import { type ClassDetail, getClass, newJoinCode } from "../classes";
import { isUniqueViolation } from "../users";

/**
 * Graders and owners: replaces the join code; the old one admits nobody from the moment this
 * commits (a join in flight holds the class row and finishes first). Members stay members.
 *
 * The expiry is kept while it is still ahead, so rotating a leaked code doesn't stretch the
 * enrolment window; one that has passed is cleared, since rotating after the window closed is how
 * a grader lets a latecomer in, and a code born expired would be of no use.
 */
export async function rotateJoinCode(viewer: Viewer, input: unknown): Promise<ClassDetail> {
  const { classSlug } = parseInput(z.object({ classSlug: classSlugSchema }), input);
  const access = await requireClassAccess(viewer, { slug: classSlug }, { minRole: "GRADER", intent: "write" });
  // 31^8 codes: a collision is rare, and the unique index catches it; retry with another.
  for (let attempt = 0; ; attempt++) {
    try {
      await db.$transaction([
        db.class.update({ where: { id: access.classId }, data: { joinCode: newJoinCode() }, select: { id: true } }),
        db.class.updateMany({
          where: { id: access.classId, joinCodeExpiresAt: { lte: new Date() } },
          data: { joinCodeExpiresAt: null },
        }),
      ]);
      break;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 5) throw error;
    }
  }
  return getClass(viewer, classSlug);
}
