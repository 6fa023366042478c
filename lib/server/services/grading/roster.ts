import "server-only";
import { z } from "zod";
import type { Role } from "@/generated/prisma/enums";
import { requireClassAccess } from "../../access";
import { db } from "../../db";
import { classSlugSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";

export interface RosterMember {
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: Date;
  submissionCount: number;
}

function memberSelect(classId: string) {
  return {
    role: true,
    createdAt: true,
    user: {
      select: {
        id: true,
        name: true,
        email: true,
        _count: { select: { submissions: { where: { classId } } } },
      },
    },
  } as const;
}

type MemberRow = {
  role: Role;
  createdAt: Date;
  user: { id: string; name: string; email: string; _count: { submissions: number } };
};

function toMember(m: MemberRow): RosterMember {
  return {
    userId: m.user.id,
    name: m.user.name,
    email: m.user.email,
    role: m.role,
    joinedAt: m.createdAt,
    submissionCount: m.user._count.submissions,
  };
}

/** Graders and owners: every member with their role and submission count, owners first. */
export async function listRoster(viewer: Viewer, input: unknown): Promise<RosterMember[]> {
  const { classSlug } = parseInput(z.object({ classSlug: classSlugSchema }), input);
  const access = await requireClassAccess(viewer, { slug: classSlug }, { minRole: "GRADER" });
  const rows = await db.membership.findMany({
    where: { classId: access.classId },
    orderBy: [{ role: "desc" }, { user: { name: "asc" } }],
    select: memberSelect(access.classId),
  });
  return rows.map(toMember);
}

/** One member's roster row, for a caller whose access to the class was checked already. */
export async function rosterMember(classId: string, userId: string): Promise<RosterMember> {
  const row = await db.membership.findUniqueOrThrow({
    where: { userId_classId: { userId, classId } },
    select: memberSelect(classId),
  });
  return toMember(row);
}
