import "server-only";
import { z } from "zod";
import {
  diffArchitectures,
  diffLayer,
  diffTraining,
  f1Deltas,
  type LayerDiffRow,
  matrixDifference,
  type TrainingFieldRow,
} from "@/lib/compare/diff";
import { MAX_COMPARED } from "@/lib/compare/url";
import { parseArchitecture, parseTrainingConfig, summarize } from "@/trainer/arch";
import { requireCompareAccess } from "../../access";
import { db } from "../../db";
import { badInput } from "../../errors";
import { idSchema, parseInput } from "../../input";
import { type ComparedView, toComparedViews } from "../../redaction";
import type { Viewer } from "../../viewer";
import { submissionSelect } from "../submissions/view";

// 2–4 trained submissions of one class side by side: their results as the viewer may see them,
// and what differs (layers, training config, confusion matrices, per-class F1) against a base.

const inputSchema = z
  .object({
    ids: z
      .array(idSchema)
      .min(2, "Pick at least 2 submissions to compare.")
      .max(MAX_COMPARED, `Compare at most ${MAX_COMPARED} submissions at once.`)
      .refine((ids) => new Set(ids).size === ids.length, "Each submission only once."),
    /** The submission the others are diffed against; the first one when not given. */
    base: idSchema.optional(),
  })
  .refine((input) => input.base === undefined || input.ids.includes(input.base), {
    path: ["base"],
    message: "The base must be one of the compared submissions.",
  });

export interface ComparedSubmission extends ComparedView {
  /** The architecture's totals; null when it no longer parses (a submission from an older trainer). */
  summary: { totalParams: number; flopsPerSample: number; layers: number } | null;
}

/** One submission against the base. */
export interface ComparisonPair {
  otherId: string;
  /** Layer by layer, aligned; null when either architecture does not parse. */
  layers: LayerDiffRow[] | null;
  /** Other − base, in counts over the same test images; null when either matrix is missing. */
  confusionDifference: number[][] | null;
  /** Other's F1 − base's, per class; null when either is missing. */
  f1Deltas: number[] | null;
}

export interface Comparison {
  classSlug: string;
  baseId: string;
  /** In the order asked for. */
  submissions: ComparedSubmission[];
  /** Every training field, marked where it differs from the base. */
  training: TrainingFieldRow[];
  /** Each submission other than the base, in order. */
  pairs: ComparisonPair[];
}

export async function compareSubmissions(viewer: Viewer, input: unknown): Promise<Comparison> {
  const { ids, base = ids[0]! } = parseInput(inputSchema, input);
  const access = await requireCompareAccess(viewer, ids);
  // One statement for every compared row (plus redaction's one for public-half re-scores).
  const rows = await db.submission.findMany({ where: { id: { in: ids } }, select: submissionSelect });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ordered = ids.map((id) => byId.get(id)!);
  for (const [i, row] of ordered.entries()) {
    if (row.status !== "SUCCEEDED" || !row.result) {
      const message = `“${row.name}” has no result (${row.status.toLowerCase()}): only trained submissions can be compared.`;
      throw badInput(`ids.${i}: ${message}`, [{ path: `ids.${i}`, message }]);
    }
  }
  const views = await toComparedViews(ordered, access);
  const parsed = views.map((v) => {
    const arch = parseArchitecture(v.architecture);
    const training = parseTrainingConfig(v.training);
    return {
      layers: arch.ok ? arch.model.layers.map(diffLayer) : null,
      summary: arch.ok ? summarize(arch.model) : null,
      training: training.ok ? training.config : null,
    };
  });
  const baseIndex = ids.indexOf(base);
  const baseView = views[baseIndex]!;
  const baseParsed = parsed[baseIndex]!;
  const pairs = views.flatMap((v, i): ComparisonPair[] => {
    if (i === baseIndex) return [];
    const layers = parsed[i]!.layers;
    const [a, b] = [baseView.result, v.result];
    return [
      {
        otherId: v.id,
        layers: baseParsed.layers && layers ? diffArchitectures(baseParsed.layers, layers) : null,
        // Both on the viewer's one scope (a class's visibility is the same for every row).
        confusionDifference:
          a?.confusionMatrix && b?.confusionMatrix ? matrixDifference(a.confusionMatrix, b.confusionMatrix) : null,
        f1Deltas: a?.perClass && b?.perClass ? f1Deltas(a.perClass, b.perClass) : null,
      },
    ];
  });
  return {
    classSlug: ordered[0]!.class.slug,
    baseId: base,
    submissions: views.map((v, i) => {
      const s = parsed[i]!.summary;
      return {
        ...v,
        summary: s ? { totalParams: s.totalParams, flopsPerSample: s.flopsPerSample, layers: s.rows.length } : null,
      };
    }),
    training: diffTraining(
      parsed.map((p) => p.training),
      baseIndex,
    ),
    pairs,
  };
}
