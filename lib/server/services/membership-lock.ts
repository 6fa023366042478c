import "server-only";
import type { Prisma } from "@/generated/prisma/client";

/**
 * Serialises every change to one person's place in one class (joining, removal, re-admission).
 * Without it a join that read "not removed" just before a removal committed could insert the
 * membership just after, and the removed person would be back in. Held until the transaction ends.
 */
export async function lockMembership(
  tx: Pick<Prisma.TransactionClient, "$queryRaw">,
  classId: string,
  userId: string,
): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`member:${classId}:${userId}`}))`;
}
