import * as tf from "@tensorflow/tfjs";
import { parseArchitecture, parseTrainingConfig, summarize } from "../../arch";
import { buildModel } from "../../train/model";

// What must hold for every input a student can send, checked by fuzz.test.ts (a few hundred
// cases in `npm test`) and by `npm run fuzz` (tens of thousands). A violation throws with what
// went wrong; fast-check then shrinks the input to a minimal one.

export type Outcome = "built" | "accepted" | "rejected";

/** Layers as submitted (InputLayer counted), for checking the positions errors name. */
function submittedLayers(input: unknown): number {
  if (!input || typeof input !== "object") return 0;
  const o = input as { layers?: unknown; config?: { layers?: unknown } };
  const list = Array.isArray(o.layers) ? o.layers : Array.isArray(o.config?.layers) ? o.config.layers : [];
  return list.length;
}

/**
 * parse → summary → model build never crashes. A rejection is a list of well-formed errors
 * (a message, and a layer position within the submitted list when one is named). An accepted
 * model summarises, builds in TensorFlow.js (so nothing the parser accepts fails later in the
 * worker), ends in 10 outputs, and has exactly the parameter count the summary shows.
 */
export async function parseSummariseBuild(input: unknown): Promise<Outcome> {
  const parsed = parseArchitecture(input);
  if (!parsed.ok) {
    if (parsed.errors.length === 0) throw new Error("rejected without an error");
    const n = submittedLayers(input);
    for (const e of parsed.errors) {
      if (typeof e.message !== "string" || e.message.length === 0)
        throw new Error(`error without a message: ${JSON.stringify(e)}`);
      if (/could not read the architecture/.test(e.message)) throw new Error(`the parser crashed: ${e.message}`);
      if (e.layerIndex !== null && (!Number.isInteger(e.layerIndex) || e.layerIndex < 0 || e.layerIndex >= n)) {
        throw new Error(`error names layer ${e.layerIndex} of ${n}: ${e.message}`);
      }
      if (e.field !== null && (typeof e.field !== "string" || e.field.length === 0))
        throw new Error(`bad field in ${JSON.stringify(e)}`);
    }
    return "rejected";
  }
  const summary = summarize(parsed.model);
  if (
    !Number.isFinite(summary.flopsPerSample) ||
    summary.totalParams !== summary.rows.reduce((a, r) => a + r.params, 0)
  ) {
    throw new Error(`inconsistent summary: ${JSON.stringify(summary)}`);
  }
  const built = await buildModel(parsed.model, 1);
  try {
    const out = built.model.outputs[0]!.shape;
    if (out.length !== 2 || out[1] !== 10) throw new Error(`built model outputs ${JSON.stringify(out)}`);
    const params = built.model.countParams();
    if (params !== summary.totalParams) {
      throw new Error(`TensorFlow.js counts ${params} parameters, the summary ${summary.totalParams}`);
    }
  } finally {
    built.model.dispose();
  }
  return "built";
}

/** A fault injected at a known layer and field is rejected, and the first error names both. */
export function namesInjectedFault(c: {
  architecture: unknown;
  layerIndex: number;
  field: string;
  value: unknown;
}): void {
  const parsed = parseArchitecture(c.architecture);
  if (parsed.ok) throw new Error(`accepted ${c.field} = ${JSON.stringify(c.value)} at layer ${c.layerIndex}`);
  const first = parsed.errors[0]!;
  if (first.layerIndex !== c.layerIndex || first.field !== c.field) {
    throw new Error(
      `${c.field} = ${JSON.stringify(c.value)} at layer ${c.layerIndex} reported as layer ${first.layerIndex}, field ${first.field}: ${first.message}`,
    );
  }
}

/** A training configuration is accepted or rejected with each error naming its field; never a crash. */
export function parsesTrainingConfig(input: unknown): Outcome {
  const r = parseTrainingConfig(input);
  if (r.ok) return "accepted";
  for (const e of r.errors) {
    if (!e.field || !e.message) throw new Error(`training error without field or message: ${JSON.stringify(e)}`);
  }
  return "rejected";
}

/** The fuzz runs on the reference backend: the same kernels everywhere, no thread pools. */
export async function selectCpuBackend(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}
