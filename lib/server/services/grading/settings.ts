import "server-only";
import { z } from "zod";
import { requireClassAccess } from "../../access";
import { db } from "../../db";
import { classSlugSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";
import { type ClassDetail, getClass } from "../classes";

const classSettingsSchema = z.object({
  classSlug: classSlugSchema,
  dailyQuota: z.number().int().min(0, "The quota cannot be negative.").max(1000, "At most 1000 a day.").optional(),
  /** How many succeeded submissions each student may mark final (the private board's rule). */
  finalSelectionsMax: z
    .number()
    .int("A whole number of final selections.")
    .min(1, "At least 1 final selection.")
    .max(20, "At most 20 final selections.")
    .optional(),
  /** null clears the deadline. */
  deadline: z.coerce.date().nullable().optional(),
  /** When the join code stops admitting new members; null: never. A past time closes joining now. */
  joinCodeExpiresAt: z.coerce.date().nullable().optional(),
  showArchitectures: z.boolean().optional(),
  /** Students may download and try each other's trained models (authors and graders always may). */
  shareModels: z.boolean().optional(),
  privateRevealed: z.boolean().optional(),
});

/**
 * Graders set the daily quota, the number of final selections (lowering it unmarks nobody: a
 * student over the new limit can only unmark until under it), deadline, the join code's expiry and what students see. Omitted
 * fields stay as they are.
 */
export async function updateClassSettings(viewer: Viewer, input: unknown): Promise<ClassDetail> {
  const data = parseInput(classSettingsSchema, input);
  const access = await requireClassAccess(viewer, { slug: data.classSlug }, { minRole: "GRADER", intent: "write" });
  await db.class.update({
    where: { id: access.classId },
    data: {
      ...(data.dailyQuota !== undefined ? { dailyQuota: data.dailyQuota } : {}),
      ...(data.finalSelectionsMax !== undefined ? { finalSelectionsMax: data.finalSelectionsMax } : {}),
      ...(data.deadline !== undefined ? { deadline: data.deadline } : {}),
      ...(data.joinCodeExpiresAt !== undefined ? { joinCodeExpiresAt: data.joinCodeExpiresAt } : {}),
      ...(data.showArchitectures !== undefined ? { showArchitectures: data.showArchitectures } : {}),
      ...(data.shareModels !== undefined ? { shareModels: data.shareModels } : {}),
      ...(data.privateRevealed !== undefined ? { privateRevealed: data.privateRevealed } : {}),
    },
    select: { id: true },
  });
  return getClass(viewer, data.classSlug);
}

/** Shows (or hides again) the private half's scores to students. */
export async function revealPrivateLeaderboard(viewer: Viewer, input: unknown): Promise<ClassDetail> {
  const data = parseInput(z.object({ classSlug: classSlugSchema, revealed: z.boolean().default(true) }), input);
  return updateClassSettings(viewer, { classSlug: data.classSlug, privateRevealed: data.revealed });
}
