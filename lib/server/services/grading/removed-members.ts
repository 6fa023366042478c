import "server-only";
import { z } from "zod";
import type { Role } from "@/generated/prisma/enums";
import { requireClassAccess } from "../../access";
import { db } from "../../db";
import { classSlugSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";

export interface RemovedMember {
  userId: string;
  name: string;
  email: string;
  /** Their role when removed; re-admission restores a student (`readmitMember`). */
  formerRole: Role;
  removedAt: Date;
  /** Who removed them; null once that account is gone. */
  removedBy: { id: string; name: string } | null;
  /** Their submissions in the class, which stayed. */
  submissionCount: number;
}

/** Graders and owners: the people removed from the class (kept out until re-admitted), latest first. */
export async function listRemovedMembers(viewer: Viewer, input: unknown): Promise<RemovedMember[]> {
  const { classSlug } = parseInput(z.object({ classSlug: classSlugSchema }), input);
  const access = await requireClassAccess(viewer, { slug: classSlug }, { minRole: "GRADER" });
  const rows = await db.memberRemoval.findMany({
    where: { classId: access.classId },
    orderBy: [{ removedAt: "desc" }, { userId: "asc" }],
    select: {
      role: true,
      removedAt: true,
      removedBy: { select: { id: true, name: true } },
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
  return rows.map((r) => ({
    userId: r.user.id,
    name: r.user.name,
    email: r.user.email,
    formerRole: r.role,
    removedAt: r.removedAt,
    removedBy: r.removedBy,
    submissionCount: r.user._count.submissions,
  }));
}
