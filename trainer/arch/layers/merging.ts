// Merge layers: several inputs → one output, no weights. The shape rules are Keras's
// (keras/src/layers/merging/base_merge.py, concatenate.py, subtract.py), which tfjs-layers'
// merge.ts ports line for line, so what passes here also builds in TensorFlow.js:
// - Add, Average, Maximum, Minimum, Multiply, Subtract: the per-sample shapes broadcast as in
//   `_compute_elemwise_op_output_shape`: aligned from the last axis, a 1 stretches to the other
//   size, other sizes must be equal; a lower-rank input gets size-1 axes after the batch axis.
// - Subtract: exactly 2 inputs.
// - Concatenate(axis = -1): equal ranks, equal sizes on every axis but `axis`, which adds up.
//   `axis` counts the batch axis, as in Keras; concatenating along the batch (axis 0) is refused.
// Every merge needs at least 2 inputs (Keras 2's and tfjs's rule; Keras 3 also builds with one,
// which is the identity).
import { fieldIssue } from "../errors";
import { fmt, prod, type Shape } from "../shape";
import { readInt } from "./fields";
import type { Config, LayerResult, LayerSpec } from "./types";

/** Keras's broadcast of two per-sample shapes; null when they don't broadcast. */
export function broadcastShapes(a: Shape, b: Shape): Shape | null {
  if (a.length < b.length) return broadcastShapes(b, a);
  const out = a.slice(0, a.length - b.length);
  for (let k = 0; k < b.length; k++) {
    const i = a[a.length - b.length + k];
    const j = b[k];
    if (i === 1) out.push(j);
    else if (j === 1 || i === j) out.push(i);
    else return null;
  }
  return out;
}

const chainOnly =
  (className: string): LayerSpec["infer"] =>
  () => {
    throw fieldIssue(
      null,
      `${className} is a merge layer: it takes a list of two or more inputs, which only a Functional model can give it (a Sequential model is a single chain)`,
    );
  };

const atLeastTwo = (inputs: Shape[], className: string) => {
  if (inputs.length < 2) throw fieldIssue(null, `${className} needs at least 2 inputs, got ${inputs.length}`);
};

/** Add and friends: `opsPerElement(n)` FLOPs per output element for n inputs. */
function elementwise(className: string, opsPerElement: (n: number) => number, exactly?: number): LayerSpec {
  return {
    infer: chainOnly(className),
    merge(inputs: Shape[]): LayerResult {
      atLeastTwo(inputs, className);
      if (exactly !== undefined && inputs.length !== exactly)
        throw fieldIssue(null, `${className} takes exactly ${exactly} inputs, got ${inputs.length}`);
      let out: Shape = inputs[0];
      for (const s of inputs.slice(1)) {
        const next = broadcastShapes(out, s);
        if (!next)
          throw fieldIssue(
            null,
            `input shapes ${inputs.map(fmt).join(", ")} don't match: ${className} needs equal shapes (or sizes of 1, which broadcast); ${fmt(out)} and ${fmt(s)} differ`,
          );
        out = next;
      }
      return { out, params: 0, flops: opsPerElement(inputs.length) * prod(out) };
    },
  };
}

const concatenate: LayerSpec = {
  infer: chainOnly("Concatenate"),
  merge(inputs: Shape[], cfg: Config): LayerResult {
    atLeastTwo(inputs, "Concatenate");
    const ranks = new Set(inputs.map((s) => s.length));
    if (ranks.size > 1)
      throw fieldIssue(
        null,
        `input shapes ${inputs.map(fmt).join(", ")} don't match: Concatenate needs inputs of the same rank`,
      );
    const rank = inputs[0].length + 1; // with the batch axis, as Keras counts `axis`
    const raw = readInt(cfg, "axis", { def: -1 });
    const axis = raw < 0 ? rank + raw : raw;
    if (axis < 1 || axis >= rank)
      throw fieldIssue(
        "axis",
        `must name a non-batch axis of these rank-${rank} tensors (1…${rank - 1} or −${rank - 1}…−1), got ${raw}`,
      );
    const a = axis - 1; // per-sample index
    const bad = inputs.find((s) => s.some((d, i) => i !== a && d !== inputs[0][i]));
    if (bad)
      throw fieldIssue(
        null,
        `input shapes ${inputs.map(fmt).join(", ")} don't match: Concatenate(axis=${raw}) needs equal sizes on every other axis; ${fmt(inputs[0])} and ${fmt(bad)} differ`,
      );
    const out = [...inputs[0]];
    out[a] = inputs.reduce((sum, s) => sum + s[a], 0);
    return { out, params: 0, flops: 0 };
  },
};

export const MERGING_LAYERS: Record<string, LayerSpec> = {
  Add: elementwise("Add", (n) => n - 1),
  Subtract: elementwise("Subtract", () => 1, 2),
  Multiply: elementwise("Multiply", (n) => n - 1),
  Average: elementwise("Average", (n) => n),
  Maximum: elementwise("Maximum", (n) => n - 1),
  Minimum: elementwise("Minimum", (n) => n - 1),
  Concatenate: concatenate,
};

export const MERGE_CLASSES = new Set(Object.keys(MERGING_LAYERS));
