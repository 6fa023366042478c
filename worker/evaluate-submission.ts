import type { Job } from "pg-boss";
import type { Prisma } from "@/generated/prisma/client";
import { ArtifactCorruptError, artifacts } from "@/lib/server/artifacts/store";
import { db } from "@/lib/server/db";
import { evaluateSubmission } from "@/lib/server/queue/jobs";
import { evaluateSavedModel, ModelFileError, type SavedModel, unpackModel } from "@/trainer";
import type { WorkerContext } from "./context";
import { withDbRetry } from "./retry";

const asJson = (value: object) => value as Prisma.InputJsonObject;

/**
 * A re-evaluation: the stored model scored on the test set again, no training. The new scores
 * replace the old in one statement, so the board shows either the old result or the new one. A
 * model that is gone (retrained meanwhile) or a result that is gone leaves nothing to do.
 */
export async function handleEvaluateSubmission(job: Job<unknown>, ctx: WorkerContext): Promise<object> {
  const payload = evaluateSubmission.payload.safeParse(job.data);
  if (!payload.success) return { skipped: "malformed payload" };
  const { submissionId } = payload.data;
  let stored: Awaited<ReturnType<typeof artifacts.get>>;
  let saved: SavedModel;
  try {
    stored = await withDbRetry("read model", () => artifacts.get(submissionId, "MODEL"));
    if (!stored) {
      await clearRequest(submissionId);
      return { skipped: "no stored model" };
    }
    saved = unpackModel(stored.bytes);
  } catch (error) {
    // A stored model that doesn't read back will not read back on a retry either: the old scores
    // stand, the request is cleared, and the job's output says why.
    if (!(error instanceof ArtifactCorruptError || error instanceof ModelFileError)) throw error;
    console.error(`[worker] submission ${submissionId}: cannot re-evaluate: ${error.message}`);
    await clearRequest(submissionId);
    return { failed: error.message };
  }
  const data = await ctx.data();
  const scored = await evaluateSavedModel(saved, data.test);
  const sha256 = stored.sha256;
  const updated = await withDbRetry("store scores", () =>
    db.result.updateMany({
      // Only the result of the model just scored: a retrain since then dropped it (and its row).
      where: { submissionId, submission: { status: "SUCCEEDED", artifacts: { some: { kind: "MODEL", sha256 } } } },
      data: {
        testAccuracy: scored.testAccuracy,
        testLoss: scored.testLoss,
        publicAccuracy: scored.publicAccuracy,
        privateAccuracy: scored.privateAccuracy,
        confusionMatrix: scored.confusionMatrix,
        perClass: asJson(scored.perClass),
        predictions: Buffer.from(scored.predictions),
        evalDurationMs: Math.round(scored.evalDurationMs),
        evaluatedAt: new Date(),
        reevaluationRequestedAt: null,
      },
    }),
  );
  return updated.count === 1
    ? { status: "EVALUATED", testAccuracy: scored.testAccuracy, evalDurationMs: Math.round(scored.evalDurationMs) }
    : { skipped: "the result changed meanwhile" };
}

async function clearRequest(submissionId: string): Promise<void> {
  await withDbRetry("clear request", () =>
    db.result.updateMany({ where: { submissionId }, data: { reevaluationRequestedAt: null } }),
  );
}
