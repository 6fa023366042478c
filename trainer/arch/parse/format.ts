// Stage 1, format: JSON text or object, within the size and depth limits, in one of the formats
// students paste (Keras 2 / tf.keras / Keras 3 `model.to_json()`, Sequential or Functional, or
// the UI builder's `{layers: [...]}`) → the submitted layers, in order (a graph's topologically).
import { issue } from "../errors";
import { snakeKeys } from "../keras";
import type { Limits } from "../limits";
import type { NormalizedModel } from "../model";
import { expandBuilderBlocks, isBlock } from "./blocks";
import { readFunctional } from "./functional";
import { shapeFrom } from "./input";
import { isObj, type RawLayer, rawLayersOf } from "./raw";

export interface SubmittedModel {
  layers: RawLayer[];
  name: string;
  /** An input shape given outside the layers (the builder's inputShape, Keras 3's build_input_shape). */
  explicitInput: number[] | null;
  sourceFormat: NormalizedModel["sourceFormat"];
  kerasVersion: string | null;
  /** A Functional model that is not one chain: its input layer's name (the layers carry `inbound`). */
  graphInput?: string;
}

function checkDepthAndSize(v: unknown, maxDepth: number): void {
  let nodes = 0;
  const walk = (x: unknown, depth: number) => {
    if (depth > maxDepth) throw issue(`JSON is nested more than ${maxDepth} levels deep`);
    if (++nodes > 200_000) throw issue("JSON has too many values (over 200,000)");
    if (typeof x === "number" && !Number.isFinite(x)) throw issue(`JSON contains a non-finite number (${x})`);
    if (Array.isArray(x)) for (const y of x) walk(y, depth + 1);
    else if (isObj(x)) for (const y of Object.values(x)) walk(y, depth + 1);
  };
  walk(v, 0);
}

function parseText(text: string, maxBytes: number): unknown {
  if (text.length > maxBytes) throw issue(`JSON is too large: ${text.length} characters, limit ${maxBytes}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    // Python's json.dumps writes NaN/Infinity, which is not JSON: say so instead of a parse error.
    const m = /(?<![A-Za-z_"])(-?Infinity|NaN)(?![A-Za-z_"])/.exec(text);
    if (m) throw issue(`JSON contains a non-finite number (${m[1]}); every number must be finite`);
    throw issue(`not valid JSON: ${(e as Error).message}`);
  }
}

type Layout = Omit<SubmittedModel, "kerasVersion">;

function fromBuilder(b: Record<string, unknown>): Layout {
  const list = b.layers as unknown[];
  const layers = list.map((l, index) => {
    if (!isObj(l) || typeof l.type !== "string")
      throw issue(`layer ${index} needs a string 'type' (a Keras class name such as 'Conv2D')`, {
        layerIndex: index,
        field: "type",
      });
    const { type, ...rest } = l;
    return { index, className: type, config: snakeKeys(rest) };
  });
  const explicitInput = Array.isArray(b.inputShape) ? (b.inputShape as number[]) : null;
  const name = typeof b.name === "string" ? b.name : "model";
  // A residual or branch-and-concatenate block makes the model a graph (parse/blocks.ts).
  if (layers.some((l) => isBlock(l.className))) {
    const graph = expandBuilderBlocks(layers);
    return { layers: graph.layers, name, explicitInput, sourceFormat: "builder", graphInput: graph.inputName };
  }
  return { layers, name, explicitInput, sourceFormat: "builder" };
}

function fromKeras(json: Record<string, unknown>): Layout {
  // Keras ≤ 2.2 wrote {"class_name": "Sequential", "config": [layers...]}.
  const cfg = Array.isArray(json.config) ? { layers: json.config } : isObj(json.config) ? json.config : null;
  if (json.class_name === "Sequential") {
    if (!cfg) throw issue("Sequential model has no config", { field: "config" });
    const layers = rawLayersOf(cfg.layers, "config.layers");
    const name = typeof cfg.name === "string" ? cfg.name : "sequential";
    // Keras 3 may keep the input shape only in build_input_shape.
    const explicitInput =
      Array.isArray(cfg.build_input_shape) && !layers.some((r) => shapeFrom(r.config))
        ? (cfg.build_input_shape.slice(1) as number[])
        : null;
    return { layers, name, explicitInput, sourceFormat: "keras-sequential" };
  }
  if (json.class_name === "Functional" || json.class_name === "Model") {
    if (!cfg) throw issue("Functional model has no config", { field: "config" });
    const { layers, graph, inputName } = readFunctional(cfg);
    const name = typeof cfg.name === "string" ? cfg.name : "model";
    return {
      layers,
      name,
      explicitInput: null,
      sourceFormat: "keras-functional",
      ...(graph ? { graphInput: inputName } : {}),
    };
  }
  throw issue(
    `not a Keras model JSON: class_name is ${JSON.stringify(json.class_name)}; expected 'Sequential', 'Functional' or 'Model' (or the builder format {layers: [...]})`,
    { field: "class_name" },
  );
}

export function readSubmission(input: unknown, lim: Limits): SubmittedModel {
  const json = typeof input === "string" ? parseText(input, lim.maxJsonBytes) : input;
  if (!isObj(json)) throw issue("expected a JSON object (a Keras model.to_json() or {layers: [...]})");
  checkDepthAndSize(json, lim.maxDepth);
  if (typeof input !== "string" && JSON.stringify(json).length > lim.maxJsonBytes) {
    throw issue(`JSON is too large (limit ${lim.maxJsonBytes} characters)`);
  }
  const layout = Array.isArray(json.layers) && json.class_name === undefined ? fromBuilder(json) : fromKeras(json);
  if (layout.layers.length > lim.maxLayers)
    throw issue(`too many layers: ${layout.layers.length}, limit ${lim.maxLayers}`, { field: "layers" });
  return { ...layout, kerasVersion: typeof json.keras_version === "string" ? json.keras_version : null };
}
