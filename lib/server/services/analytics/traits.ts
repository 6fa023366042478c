import "server-only";
import { type NormalizedModel, parseArchitecture, summarize } from "@/trainer/arch";

// What class analytics plots of an architecture besides its parameter count. The worker stores
// these on the Result when it scores a run (worker/train-submission.ts), so a request for 4,000
// points reads three columns instead of parsing 4,000 architectures (about 0.1 ms each); points.ts
// falls back to this for rows scored before the columns existed.

export interface ModelTraits {
  /** Forward-pass FLOPs per image (multiply-add = 2), as the builder's summary shows them. */
  flops: number;
  /** Weighted layers: Dense and convolutions (normalisation layers have weights but add no depth). */
  depth: number;
  /** The largest dropout rate of any dropout layer; 0 without one. */
  maxDropout: number;
}

const DROPOUT = new Set(["Dropout", "SpatialDropout1D", "AlphaDropout", "GaussianDropout"]);

export function traitsOfModel(model: NormalizedModel): ModelTraits {
  let depth = 0;
  let maxDropout = 0;
  for (const layer of model.layers) {
    if (layer.className === "Dense" || /Conv/.test(layer.className)) depth++;
    const rate = layer.config.rate;
    if (DROPOUT.has(layer.className) && typeof rate === "number" && rate > maxDropout) maxDropout = rate;
  }
  return { flops: summarize(model).flopsPerSample, depth, maxDropout };
}

/** The traits of a stored architecture, or null when it no longer parses (a trainer change since). */
export function traitsOfArchitecture(architecture: unknown): ModelTraits | null {
  // No size budgets here: the run was accepted and trained under the platform's limits of its day.
  const parsed = parseArchitecture(architecture, {
    maxParams: Number.POSITIVE_INFINITY,
    maxFlops: Number.POSITIVE_INFINITY,
  });
  return parsed.ok ? traitsOfModel(parsed.model) : null;
}
