import "server-only";
import { z } from "zod";
import { requireClassAccess } from "../../access";
import { db } from "../../db";
import { notFound } from "../../errors";
import { classSlugSchema, idSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";
import { lockMembership } from "../membership-lock";
import { type RosterMember, rosterMember } from "./roster";

/**
 * Owner only: undoes a removal, putting the person back in the class **as a student**, whatever
 * role they had. A role is a grant an owner gives on purpose (the removal may have been about it:
 * a TA whose term ended), so it is not restored behind their back; the Removed list shows the
 * former role and the roster's role control is one step away.
 */
export async function readmitMember(viewer: Viewer, input: unknown): Promise<RosterMember> {
  const data = parseInput(z.object({ classSlug: classSlugSchema, userId: idSchema }), input);
  const access = await requireClassAccess(viewer, { slug: data.classSlug }, { minRole: "OWNER", intent: "write" });
  await db.$transaction(async (tx) => {
    await lockMembership(tx, access.classId, data.userId);
    const removed = await tx.memberRemoval.deleteMany({ where: { classId: access.classId, userId: data.userId } });
    if (removed.count === 0) throw notFound("The removed member");
    // Under the lock nobody can have joined meanwhile; skipDuplicates keeps a role if one exists anyway.
    await tx.membership.createMany({
      data: [{ classId: access.classId, userId: data.userId, role: "STUDENT" }],
      skipDuplicates: true,
    });
  });
  return rosterMember(access.classId, data.userId);
}
