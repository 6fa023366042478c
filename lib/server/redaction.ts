import "server-only";
import { modelFormats } from "@/lib/model-formats";
import { adapterLabel, gpuAdapterSchema } from "@/trainer/arch";
import type { ClassMetrics } from "@/trainer/data";
import { type ClassAccess, submissionCapabilities, visibility } from "./access";
import { db } from "./db";
import type { ModelView, ResultView, SubmissionRow, SubmissionView } from "./services/submissions/view";
import { scoreOn } from "./test-set";

// How much of each result a viewer sees: the private half of the test set is part of the access
// rules (access.ts `visibility`), so hiding it lives beside them. Callers have checked access to
// the rows; this only decides what of each row to show.

/**
 * Shapes rows for one viewer. Public-half metrics for viewers who may not see private scores are
 * computed from the stored predictions, in one extra query for all rows.
 */
export async function toSubmissionViews(
  rows: SubmissionRow[],
  access: Pick<ClassAccess, "viewer" | "isGrader">,
): Promise<SubmissionView[]> {
  const restricted = rows.filter((r) => r.result && !visibility(access, r.class).privateScores).map((r) => r.id);
  const predictions = new Map<string, Uint8Array | null>();
  if (restricted.length) {
    const stored = await db.result.findMany({
      where: { submissionId: { in: restricted } },
      select: { submissionId: true, predictions: true },
    });
    for (const r of stored) predictions.set(r.submissionId, r.predictions);
  }
  return Promise.all(
    rows.map(async (row) => {
      const can = visibility(access, row.class);
      const viewerCan = submissionCapabilities(access, { authorId: row.author.id }, can);
      const stored = row.artifacts[0];
      const model = stored && viewerCan.useModel ? modelView(stored) : null;
      const result = row.result
        ? {
            ...(can.privateScores
              ? fullResult(row.result)
              : await publicHalfResult(row.result, predictions.get(row.id) ?? null)),
            evaluatedAt: row.result.evaluatedAt,
            reevaluating: row.result.reevaluationRequestedAt !== null,
            model,
          }
        : null;
      return {
        id: row.id,
        name: row.name,
        status: row.status,
        failureReason: row.failureReason,
        failureKind: row.failureKind,
        createdAt: row.createdAt,
        startedAt: row.startedAt,
        finishedAt: row.finishedAt,
        author: row.author,
        classSlug: row.class.slug,
        architecture: row.architecture,
        training: row.training,
        progress: row.progress,
        attempts: row.attempts,
        cancelRequested: row.cancelRequestedAt !== null,
        isFinal: row.finalSelectedAt !== null,
        result,
        viewerCan,
      };
    }),
  );
}

type StoredResult = NonNullable<SubmissionRow["result"]>;

/** "nvidia hopper (NVIDIA H200)"; null for runs on the CPU backends. */
function gpuLabel(adapter: unknown): string | null {
  if (adapter === null || adapter === undefined) return null;
  const a = gpuAdapterSchema.safeParse(adapter);
  return a.success ? adapterLabel(a.data) : "unknown GPU";
}
type ScoredView = Omit<ResultView, "evaluatedAt" | "reevaluating" | "model">;

function modelView(stored: { sizeBytes: number; sha256: string; formats: string[] }): ModelView {
  return { sizeBytes: stored.sizeBytes, sha256: stored.sha256, formats: modelFormats(stored.formats) };
}

function fullResult(r: StoredResult): ScoredView {
  // When it was scored is added by the caller for both scopes.
  const { evaluatedAt: _evaluatedAt, reevaluationRequestedAt: _requested, adapter, ...scores } = r;
  return {
    gpu: gpuLabel(adapter),
    ...scores,
    scope: "FULL_TEST_SET",
    confusionMatrix: r.confusionMatrix as number[][],
    perClass: (r.perClass as ClassMetrics[] | null) ?? null,
  };
}

/** The public half only: no private accuracy, no full-set loss, aggregates recomputed on the half. */
async function publicHalfResult(r: StoredResult, predictions: Uint8Array | null): Promise<ScoredView> {
  const half = predictions ? await scoreOn(predictions, "public") : null;
  // Without a split (older runs), the leaderboard ranks by the full accuracy; so does this.
  const publicAccuracy = r.publicAccuracy ?? r.testAccuracy;
  return {
    scope: "PUBLIC_HALF",
    testAccuracy: publicAccuracy,
    testLoss: null,
    publicAccuracy,
    privateAccuracy: null,
    confusionMatrix: half?.confusionMatrix ?? null,
    perClass: half?.perClass ?? null,
    history: r.history,
    paramCount: r.paramCount,
    epochs: r.epochs,
    backend: r.backend,
    gpu: gpuLabel(r.adapter),
    trainDurationMs: r.trainDurationMs,
    evalDurationMs: r.evalDurationMs,
  };
}

/** A submission as comparing shows it: what the leaderboard and its page show, without the run's internals. */
export interface ComparedView {
  id: string;
  name: string;
  author: { id: string; name: string };
  createdAt: Date;
  /** The viewer's own submission. */
  isOwn: boolean;
  /** Marked final; null where the viewer may not see others' selections (students until the reveal, as on the board). */
  isFinal: boolean | null;
  architecture: unknown;
  training: unknown;
  /** On the viewer's scope (the public half for students until the reveal), as on its own page. */
  result: ResultView | null;
}

/**
 * Compared submissions for one viewer: results through `toSubmissionViews` (one extra statement
 * for every public-half re-score), and another student's final mark only where the board shows it.
 */
export async function toComparedViews(
  rows: SubmissionRow[],
  access: Pick<ClassAccess, "viewer" | "isGrader">,
): Promise<ComparedView[]> {
  const views = await toSubmissionViews(rows, access);
  return views.map((v) => {
    const isOwn = v.author.id === access.viewer.userId;
    return {
      id: v.id,
      name: v.name,
      author: v.author,
      createdAt: v.createdAt,
      isOwn,
      isFinal: isOwn || v.viewerCan.privateScores ? v.isFinal : null,
      architecture: v.architecture,
      training: v.training,
      result: v.result,
    };
  });
}
