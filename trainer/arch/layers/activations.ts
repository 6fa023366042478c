// Activation layers, and the activation names every layer's `activation` field may hold.
import { fieldIssue } from "../errors";
import { lookup } from "../lookup";
import { prod } from "../shape";
import { readNumber } from "./fields";
import type { Config, LayerSpec } from "./types";

/** Activations tfjs-layers implements, keyed by the spellings Keras writes. Values: tfjs names. */
export const ACTIVATIONS: Record<string, string> = {
  linear: "linear",
  relu: "relu",
  relu6: "relu6",
  elu: "elu",
  selu: "selu",
  sigmoid: "sigmoid",
  hard_sigmoid: "hardSigmoid",
  hardSigmoid: "hardSigmoid",
  tanh: "tanh",
  softmax: "softmax",
  log_softmax: "logSoftmax",
  logSoftmax: "logSoftmax",
  softplus: "softplus",
  softsign: "softsign",
  swish: "swish",
  silu: "swish",
  mish: "mish",
  gelu: "gelu",
};

/** Validates an activation field; returns its name. */
export function readActivation(cfg: Config, field = "activation"): string {
  const v = cfg[field] ?? "linear";
  if (typeof v !== "string") throw fieldIssue(field, `must be an activation name, got ${JSON.stringify(v)}`);
  if (lookup(ACTIVATIONS, v) === undefined) {
    const names = [...new Set(Object.keys(ACTIVATIONS))].sort().join(", ");
    throw fieldIssue(field, `unknown activation '${v}' (supported: ${names})`);
  }
  return v;
}

const elementwise = (check?: (cfg: Config) => void): LayerSpec => ({
  infer(input, cfg) {
    check?.(cfg);
    return { out: input, params: 0, flops: prod(input) };
  },
});

export const ACTIVATION_LAYERS: Record<string, LayerSpec> = {
  Activation: elementwise((cfg) => void readActivation(cfg)),
  ReLU: elementwise((cfg) => {
    if (cfg.max_value !== undefined && cfg.max_value !== null) readNumber(cfg, "max_value", { min: 0 });
  }),
  LeakyReLU: elementwise((cfg) => {
    if (cfg.alpha !== undefined) readNumber(cfg, "alpha", {});
    if (cfg.negative_slope !== undefined) readNumber(cfg, "negative_slope", {});
  }),
  ELU: elementwise((cfg) => {
    // tfjs-layers' ELU implements only Keras's default; anything else fails when the model is built.
    if (cfg.alpha !== undefined && readNumber(cfg, "alpha", {}) !== 1) {
      throw fieldIssue(
        "alpha",
        `must be 1.0: TensorFlow.js's ELU layer supports only the default alpha, got ${cfg.alpha}`,
      );
    }
  }),
  ThresholdedReLU: elementwise((cfg) => void (cfg.theta !== undefined && readNumber(cfg, "theta", {}))),
  Softmax: elementwise(),
  PReLU: {
    infer(input, cfg) {
      const shared = Array.isArray(cfg.shared_axes)
        ? (cfg.shared_axes as number[])
        : cfg.shared_axes == null
          ? []
          : [cfg.shared_axes as number];
      const alphaShape = input.map((d, i) => (shared.includes(i + 1) ? 1 : d));
      return { out: input, params: prod(alphaShape), flops: prod(input) };
    },
  },
};
