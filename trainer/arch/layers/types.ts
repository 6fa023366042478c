// How a layer class is described: shape inference, parameter and FLOP counting for one layer.
//
// FLOPs count one multiply-add as 2 FLOPs, forward pass, per sample (what papers and Keras
// profilers report); element-wise ops count 1 per element.
import type { Shape } from "../shape";

/** A layer's Keras config (snake_case keys). */
export type Config = Record<string, unknown>;

export interface LayerResult {
  out: Shape;
  params: number;
  /** Parameters not updated by the optimizer (BatchNormalization moving statistics). */
  nonTrainable?: number;
  flops: number;
}

export interface LayerSpec {
  /** Throws a fieldIssue naming the offending field. */
  infer(input: Shape, cfg: Config): LayerResult;
  /**
   * Merge layers only (layers/merging.ts): the output of several inputs, in the order the model
   * wires them. A merge's `infer` rejects: a chain gives it one input.
   */
  merge?(inputs: Shape[], cfg: Config): LayerResult;
}
