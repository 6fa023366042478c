import "server-only";
import { z } from "zod";
import { requireSubmissionAccess } from "../../access";
import { db } from "../../db";
import { idSchema, parseInput } from "../../input";
import { cellMembers } from "../../test-set";
import type { Viewer } from "../../viewer";

const examplesSchema = z.object({
  submissionId: idSchema,
  trueClass: z.number().int().min(0).max(9),
  predictedClass: z.number().int().min(0).max(9),
  limit: z.number().int().min(1).max(200).default(24),
});

export interface PredictionExamples {
  /** Test-set indices (in the IDX file's order) of images with this true and predicted class. */
  indices: number[];
  /** How many such images there are in the part of the test set the viewer may see. */
  total: number;
  scope: "FULL_TEST_SET" | "PUBLIC_HALF";
}

/**
 * The test images behind one confusion-matrix cell: the same list as the web gallery's
 * (gallery.ts getCellImages), from the same split. Graders get the whole test set; the author
 * only the public half (before and after the reveal): a per-image list of the private half
 * amounts to handing out its labels.
 */
export async function getPredictionExamples(viewer: Viewer, input: unknown): Promise<PredictionExamples> {
  const data = parseInput(examplesSchema, input);
  const access = await requireSubmissionAccess(viewer, data.submissionId);
  const stored = await db.result.findUnique({
    where: { submissionId: data.submissionId },
    select: { predictions: true },
  });
  const scope = access.can.privateImages ? "all" : "public";
  const predictions = stored?.predictions ? new Uint8Array(stored.predictions) : null;
  const cell = predictions && (await cellMembers(predictions, scope, data.trueClass, data.predictedClass, data.limit));
  return {
    indices: cell?.indices ?? [],
    total: cell?.total ?? 0,
    scope: scope === "all" ? "FULL_TEST_SET" : "PUBLIC_HALF",
  };
}
