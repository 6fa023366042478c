// What parsing produces: one canonical Sequential model, whatever format was pasted.
import type { ArchError } from "./errors";
import type { KerasModelJson } from "./keras";
import type { Shape } from "./shape";

export interface NormalizedLayer {
  index: number;
  name: string;
  className: string;
  /** Keras snake_case config, cleaned of Keras 3 serialisation wrappers. */
  config: Record<string, unknown>;
  inputShape: Shape;
  outputShape: Shape;
  params: number;
  nonTrainableParams: number;
  flops: number;
}

export interface NormalizedModel {
  name: string;
  sourceFormat: "keras-sequential" | "keras-functional" | "builder";
  kerasVersion: string | null;
  /** Per-sample input shape the data is fed in: [28, 28, 1], [28, 28] or [784]. */
  inputShape: Shape;
  /** 'logits' when the last layer is linear: the loss applies softmax itself. */
  output: "probabilities" | "logits";
  layers: NormalizedLayer[];
  /** Canonical Keras Sequential JSON (what tfjs loads; also valid for Keras 2). */
  keras: KerasModelJson;
}

export type ParseResult = { ok: true; model: NormalizedModel; notes: string[] } | { ok: false; errors: ArchError[] };

/** The UI builder's format: `{layers: [{type: 'Conv2D', filters: 64, kernelSize: 2}]}`. */
export interface BuilderModel {
  name?: string;
  inputShape?: number[];
  layers: ({ type: string } & Record<string, unknown>)[];
}
