import "server-only";
import { z } from "zod";
import { Role } from "@/generated/prisma/enums";
import { requireClassAccess } from "../../access";
import { db } from "../../db";
import { badInput, notFound } from "../../errors";
import { classSlugSchema, idSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";
import { lockMembership } from "../membership-lock";
import { type RosterMember, rosterMember } from "./roster";

const setRoleSchema = z.object({
  classSlug: classSlugSchema,
  userId: idSchema,
  role: z.enum(Role),
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
  // From the row, not the roster view: an owner who just stepped down may no longer see the roster.
  return rosterMember(access.classId, data.userId);
}

/**
 * Owner only; removes a member (their submissions stay) and records the removal, which keeps them
 * out (`joinClass` refuses them) until an owner re-admits them. The last owner cannot be removed.
 */
export async function removeMember(viewer: Viewer, input: unknown): Promise<boolean> {
  const data = parseInput(z.object({ classSlug: classSlugSchema, userId: idSchema }), input);
  const access = await requireClassAccess(viewer, { slug: data.classSlug }, { minRole: "OWNER", intent: "write" });
  await db.$transaction(async (tx) => {
    // The member lock first (a join takes it and nothing else), then the owner rows as setMemberRole does.
    await lockMembership(tx, access.classId, data.userId);
    const owners = await tx.$queryRaw<Array<{ userId: string }>>`
      SELECT "userId" FROM "Membership" WHERE "classId" = ${access.classId} AND role = 'OWNER' FOR UPDATE`;
    if (owners.length <= 1 && owners[0]?.userId === data.userId) {
      throw badInput("A class needs an owner: make someone else owner first.");
    }
    const [removed] = await tx.$queryRaw<Array<{ role: Role }>>`
      DELETE FROM "Membership" WHERE "classId" = ${access.classId} AND "userId" = ${data.userId}
      RETURNING role::text AS role`;
    if (!removed) throw notFound("The member");
    const record = { role: removed.role, removedAt: new Date(), removedById: access.viewer.userId };
    await tx.memberRemoval.upsert({
      where: { userId_classId: { userId: data.userId, classId: access.classId } },
      create: { userId: data.userId, classId: access.classId, ...record },
      update: record,
      select: { removedAt: true },
    });
  });
  return true;
}
