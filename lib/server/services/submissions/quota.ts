import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import { requireClassAccess } from "../../access";
import { db } from "../../db";
import type { Viewer } from "../../viewer";

export interface Quota {
  limit: number;
  /** Submissions today that count: failed and cancelled ones don't. */
  used: number;
  remaining: number;
  resetsAt: Date;
  /** Graders are not limited. */
  unlimited: boolean;
}

function startOfUtcDay(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

type QuotaClient = Pick<Prisma.TransactionClient, "submission">;

/** Today's submissions that count towards one student's quota in one class (inside a transaction, or not). */
export async function countTowardsQuota(
  client: QuotaClient,
  classId: string,
  authorId: string,
  now = new Date(),
): Promise<number> {
  return client.submission.count({
    where: { classId, authorId, createdAt: { gte: startOfUtcDay(now) }, status: { notIn: ["FAILED", "CANCELLED"] } },
  });
}

export async function getQuota(viewer: Viewer, classSlug: string): Promise<Quota> {
  const access = await requireClassAccess(viewer, { slug: classSlug });
  const klass = await db.class.findUniqueOrThrow({ where: { id: access.classId }, select: { dailyQuota: true } });
  const used = await countTowardsQuota(db, access.classId, access.viewer.userId);
  const resetsAt = new Date(startOfUtcDay().getTime() + 86_400_000);
  return {
    limit: klass.dailyQuota,
    used,
    remaining: access.isGrader ? klass.dailyQuota : Math.max(0, klass.dailyQuota - used),
    resetsAt,
    unlimited: access.isGrader,
  };
}
