// Part of the shape stage: weight penalties in the form training applies them.
import { fieldIssue } from "../errors";
import { isObj } from "./raw";

const WEIGHT_REGULARIZERS = [
  "kernel_regularizer",
  "bias_regularizer",
  "depthwise_regularizer",
  "pointwise_regularizer",
  "beta_regularizer",
  "gamma_regularizer",
  "embeddings_regularizer",
];

/**
 * Keras writes weight penalties as `L1`, `L2` or `L1L2` (or the strings 'l1'/'l2'); tfjs knows
 * only `L1L2`. Rewrites them in place with Keras's defaults, so training applies the same
 * penalty, and rejects what can't be applied (activity regularizers, custom classes).
 */
export function normalizeRegularizers(cfg: Record<string, unknown>): void {
  if (cfg.activity_regularizer !== undefined && cfg.activity_regularizer !== null) {
    throw fieldIssue("activity_regularizer", "is not supported (penalise the weights with kernel_regularizer instead)");
  }
  for (const field of WEIGHT_REGULARIZERS) {
    let v = cfg[field];
    if (v === undefined || v === null) continue;
    if (v === "l1" || v === "l2" || v === "l1_l2")
      v = { class_name: v === "l1" ? "L1" : v === "l2" ? "L2" : "L1L2", config: {} };
    if (!isObj(v) || typeof v.class_name !== "string")
      throw fieldIssue(field, 'must be {"class_name": "L2", "config": {"l2": 0.01}} (or L1, L1L2)');
    const c = isObj(v.config) ? v.config : {};
    const amount = (key: string, fallback: number): number => {
      const x = c[key] ?? fallback;
      if (typeof x !== "number" || !Number.isFinite(x) || x < 0)
        throw fieldIssue(field, `${key} must be a number ≥ 0, got ${JSON.stringify(x)}`);
      return x;
    };
    switch (v.class_name) {
      case "L1":
        cfg[field] = { class_name: "L1L2", config: { l1: amount("l1", 0.01), l2: 0 } };
        break;
      case "L2":
        cfg[field] = { class_name: "L1L2", config: { l1: 0, l2: amount("l2", 0.01) } };
        break;
      case "L1L2":
        cfg[field] = { class_name: "L1L2", config: { l1: amount("l1", 0), l2: amount("l2", 0) } };
        break;
      default:
        throw fieldIssue(field, `unsupported regularizer '${v.class_name}' (supported: L1, L2, L1L2)`);
    }
  }
}
