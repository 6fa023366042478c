// A running submission's checkpoint (the trainer's bytes, trainer/train/checkpoint.ts) in the
// artifact store: loaded when a worker claims the run, so a retry on any machine continues after
// the last saved epoch; written only while this worker holds the run; removed in the transaction
// that settles the run (worker/train-submission.ts, cancel-submission.ts for queued runs).
import type { Prisma } from "@/generated/prisma/client";
import { ArtifactCorruptError, artifacts } from "@/lib/server/artifacts/store";
import { db } from "@/lib/server/db";
import { withDbRetry } from "./retry";

/** The checkpoint an earlier attempt left, or null (none, or stored bytes that fail their hash). */
export async function loadCheckpoint(submissionId: string): Promise<Uint8Array | null> {
  try {
    const stored = await withDbRetry("load checkpoint", () => artifacts.get(submissionId, "CHECKPOINT"));
    return stored?.bytes ?? null;
  } catch (error) {
    if (!(error instanceof ArtifactCorruptError)) throw error;
    // Training from epoch 1 is always correct; the next checkpoint replaces the bad row.
    console.warn(`[worker] submission ${submissionId}: ${error.message}; training from epoch 1`);
    return null;
  }
}

// A checkpoint of the largest model the budget allows is tens of megabytes: more than Prisma's
// default 5 s for an interactive transaction on a slow link.
const SAVE_TIMEOUT_MS = 120_000;

/**
 * Stores the checkpoint while this worker still holds the run (RUNNING, workerId ours), the same
 * fence as progress writes. The row is locked for the write, so a settling transaction (which
 * removes the checkpoint) or another worker's claim comes strictly before or after it: a
 * superseded attempt never leaves a checkpoint behind a finished run or over a newer attempt's.
 * Resolves to whether it was stored.
 */
export async function saveCheckpoint(submissionId: string, workerId: string, bytes: Uint8Array): Promise<boolean> {
  return withDbRetry("save checkpoint", () =>
    db.$transaction(
      async (tx) => {
        const held = await tx.$queryRaw<unknown[]>`
          SELECT 1 FROM "Submission"
          WHERE id = ${submissionId} AND status = 'RUNNING' AND "workerId" = ${workerId}
          FOR UPDATE`;
        if (held.length === 0) return false;
        await artifacts.put(submissionId, "CHECKPOINT", bytes, tx);
        return true;
      },
      { timeout: SAVE_TIMEOUT_MS, maxWait: SAVE_TIMEOUT_MS },
    ),
  );
}

/** Removes the run's checkpoint inside the transaction that moves it to a final status. */
export function removeCheckpoint(submissionId: string, tx: Prisma.TransactionClient): Promise<void> {
  return artifacts.remove(submissionId, "CHECKPOINT", tx);
}
