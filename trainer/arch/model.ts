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
  /**
   * Graph models only: the layers whose outputs this one takes, in order (the model's input
   * layer by its name, `NormalizedModel.graph.inputName`), and their shapes (`inputShape` is the
   * first). A chain's layers have neither: each takes the one before.
   */
  inbound?: string[];
  inputShapes?: Shape[];
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
  /**
   * Canonical Keras JSON (what tfjs loads; also valid for Keras 2): Sequential for a chain,
   * Functional (Keras 2 wiring) for a graph.
   */
  keras: KerasModelJson;
  /**
   * Present for a Functional model with branches or merges (absent for every chain): the input
   * layer's name and position in the submitted list, and `layers` is in topological order, each with `inbound`; the last is the output.
   */
  graph?: { inputName: string; inputIndex: number };
}

export type ParseResult = { ok: true; model: NormalizedModel; notes: string[] } | { ok: false; errors: ArchError[] };

/** The UI builder's format: `{layers: [{type: 'Conv2D', filters: 64, kernelSize: 2}]}`. */
export interface BuilderModel {
  name?: string;
  inputShape?: number[];
  layers: ({ type: string } & Record<string, unknown>)[];
}
