// Stage 5, budgets: the output is 10 class scores from softmax (or linear logits), and the
// parameters and FLOPs are within the limits (naming the biggest layer when not).
import { issue } from "../errors";
import type { Limits } from "../limits";
import type { NormalizedLayer, NormalizedModel } from "../model";
import { fmt } from "../shape";

function finalActivation(layers: NormalizedLayer[]): { act: string; layer: NormalizedLayer } {
  const last = layers[layers.length - 1];
  if (last.className === "Softmax") return { act: "softmax", layer: last };
  if (typeof last.config.activation === "string") return { act: last.config.activation, layer: last };
  return { act: "linear", layer: last };
}

const at = (l: NormalizedLayer) => ({ layerIndex: l.index, layerName: l.name });
const count = (n: number) => n.toLocaleString("en-US");
const mflops = (n: number) => (n / 1e6).toFixed(1);

/** What the model's last layer emits, given that it passes. */
export function checkBudgets(layers: NormalizedLayer[], lim: Limits, notes: string[]): NormalizedModel["output"] {
  const last = layers[layers.length - 1];
  const shape = last.outputShape;
  if (shape.length !== 1 || shape[0] !== 10) {
    const field = "units" in last.config ? "units" : "filters" in last.config ? "filters" : null;
    throw issue(
      `the output must be 10 class scores, shape (None, 10); the last layer gives ${fmt(shape)}${shape.length > 1 ? " (add Flatten and Dense(10))" : ""}`,
      { ...at(last), field },
    );
  }
  const { act, layer: actLayer } = finalActivation(layers);
  let output: NormalizedModel["output"];
  if (act === "softmax") output = "probabilities";
  else if (act === "linear") {
    output = "logits";
    notes.push(
      `The last layer '${actLayer.name}' is linear: its outputs are treated as logits (softmax is applied in the loss and for predictions).`,
    );
  } else {
    throw issue(
      `the output activation must be 'softmax' (or 'linear' for logits) to train with categorical cross-entropy, got '${act}'`,
      { ...at(actLayer), field: "activation" },
    );
  }

  const totalParams = layers.reduce((a, l) => a + l.params, 0);
  if (totalParams > lim.maxParams) {
    const big = layers.reduce((a, l) => (l.params > a.params ? l : a));
    throw issue(
      `the model has ${count(totalParams)} parameters, over the budget of ${count(lim.maxParams)} (largest: '${big.name}' with ${count(big.params)})`,
      at(big),
    );
  }
  const flops = layers.reduce((a, l) => a + l.flops, 0);
  if (flops > lim.maxFlops) {
    const big = layers.reduce((a, l) => (l.flops > a.flops ? l : a));
    throw issue(
      `the model needs ${mflops(flops)} MFLOPs per image, over the budget of ${mflops(lim.maxFlops)} (largest: '${big.name}' with ${mflops(big.flops)})`,
      at(big),
    );
  }
  return output;
}
