import "server-only";
import { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import { requireClassAccess, requireSubmissionAccess } from "../../access";
import { db } from "../../db";
import { badInput, forbidden } from "../../errors";
import { classSlugSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";
import { getSubmission } from "./get-submission";
import type { SubmissionView } from "./view";

// Final selections (Kaggle's rule): until the class deadline a student marks up to
// Class.finalSelectionsMax of their succeeded submissions as final, and the private board ranks
// their best final one (their best overall when none is marked). The count and the deadline are
// checked here under a per-student lock, so two quick clicks can't both pass; the trigger of
// migration 20261201130000_final_selections enforces the count again for every other writer.

export interface FinalSelections {
  /** How many a student may mark final in this class. */
  max: number;
  /** The viewer's own final submissions in this class, oldest selection first. */
  selected: { id: string; name: string }[];
  deadline: Date | null;
  /** The deadline has passed: selections can no longer change. */
  frozen: boolean;
}

const selectFinalSchema = z.object({
  submissionId: z.string().min(1, "Which submission?").max(64),
  final: z.boolean({ error: "final must be true (mark) or false (unmark)." }),
});

function lockKey(classId: string, authorId: string): string {
  // The same key the trigger takes (catwalk_final_selection_check).
  return `final:${classId}:${authorId}`;
}

async function selectedBy(
  client: Pick<Prisma.TransactionClient, "submission">,
  classId: string,
  authorId: string,
): Promise<{ id: string; name: string }[]> {
  return client.submission.findMany({
    where: { classId, authorId, finalSelectedAt: { not: null } },
    orderBy: [{ finalSelectedAt: "asc" }, { id: "asc" }],
    select: { id: true, name: true },
  });
}

function frozenMessage(deadline: Date): string {
  return `The deadline for this class passed on ${deadline.toISOString()}; final selections are frozen.`;
}

/** The viewer's final selections in a class, and the class's rule (for "1 of 2 selected"). */
export async function getFinalSelections(viewer: Viewer, classSlug: unknown): Promise<FinalSelections> {
  const slug = parseInput(classSlugSchema, classSlug);
  const access = await requireClassAccess(viewer, { slug });
  const klass = await db.class.findUniqueOrThrow({
    where: { id: access.classId },
    select: { finalSelectionsMax: true, deadline: true },
  });
  return {
    max: klass.finalSelectionsMax,
    selected: await selectedBy(db, access.classId, access.viewer.userId),
    deadline: klass.deadline,
    frozen: klass.deadline !== null && Date.now() > klass.deadline.getTime(),
  };
}

/** Marks (final: true) or unmarks one of the viewer's own succeeded submissions as final. */
export async function selectFinal(viewer: Viewer, input: unknown): Promise<SubmissionView> {
  const data = parseInput(selectFinalSchema, input);
  const access = await requireSubmissionAccess(viewer, data.submissionId, { intent: "write" });
  if (!access.isAuthor) throw forbidden("Only its author can mark a submission final.");
  await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${lockKey(access.classId, access.authorId)}))`;
    const klass = await tx.class.findUniqueOrThrow({
      where: { id: access.classId },
      select: { finalSelectionsMax: true, deadline: true },
    });
    if (klass.deadline && Date.now() > klass.deadline.getTime()) throw badInput(frozenMessage(klass.deadline));
    const row = await tx.submission.findUniqueOrThrow({
      where: { id: access.submissionId },
      select: { status: true, finalSelectedAt: true },
    });
    if ((row.finalSelectedAt !== null) === data.final) return;
    if (data.final) {
      if (row.status !== "SUCCEEDED") {
        throw badInput(`Only a succeeded submission can be marked final; this one is ${row.status.toLowerCase()}.`);
      }
      const selected = await selectedBy(tx, access.classId, access.authorId);
      if (selected.length >= klass.finalSelectionsMax) {
        throw badInput(
          `You have already marked ${selected.length} of ${klass.finalSelectionsMax} submissions final (${selected
            .map((s) => `"${s.name}"`)
            .join(", ")}); unmark one first.`,
        );
      }
    }
    await tx.submission.update({
      where: { id: access.submissionId },
      data: { finalSelectedAt: data.final ? new Date() : null },
      select: { id: true },
    });
  });
  return getSubmission(viewer, access.submissionId);
}
