// Part of the format stage: a Functional model is accepted when its layers form one chain.
import { issue } from "../errors";
import { isObj, layerName, type RawLayer, rawLayersOf } from "./raw";

// Keras 2: inbound_nodes = [[["dense", 0, 0, {}], ...]]; Keras 3: [{args: [{config: {keras_history: ["dense", 0, 0]}}]}].
function inboundNames(layer: Record<string, unknown>): string[][] {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes)) return [];
  return nodes.map((node) => {
    if (Array.isArray(node)) return node.map((t) => (Array.isArray(t) ? String(t[0]) : "?"));
    if (isObj(node)) {
      const names: string[] = [];
      const visit = (x: unknown) => {
        if (Array.isArray(x)) x.forEach(visit);
        else if (isObj(x)) {
          const cfg = x.config;
          if (x.class_name === "__keras_tensor__" && isObj(cfg) && Array.isArray(cfg.keras_history))
            names.push(String(cfg.keras_history[0]));
          else Object.values(x).forEach(visit);
        }
      };
      visit(node.args);
      return names;
    }
    return [];
  });
}

/** Orders a Functional model's layers into a chain, or explains why it is not one. */
export function linearize(config: Record<string, unknown>): RawLayer[] {
  const list = config.layers;
  if (!Array.isArray(list)) throw issue("Functional model config has no layers list", { field: "layers" });
  const raw = rawLayersOf(list, "config.layers");
  const byName = new Map<string, { raw: RawLayer; inputs: string[][] }>();
  raw.forEach((r, i) => {
    const name = layerName(r) ?? `layer_${i}`;
    byName.set(name, { raw: r, inputs: inboundNames(list[i] as Record<string, unknown>) });
  });
  for (const [name, { raw: r, inputs }] of byName) {
    const at = { layerIndex: r.index, layerName: name };
    if (inputs.length > 1)
      throw issue(
        `layer '${name}' is called ${inputs.length} times (shared layers are not supported; only a single chain of layers is)`,
        at,
      );
    if (inputs[0] && inputs[0].length > 1) {
      throw issue(
        `layer '${name}' (${r.className}) has ${inputs[0].length} inputs: only linear models (a single chain of layers) are supported`,
        at,
      );
    }
  }
  const outs = Array.isArray(config.output_layers) ? config.output_layers : [];
  const ins = Array.isArray(config.input_layers) ? config.input_layers : [];
  // Keras 3 writes a single ["name", 0, 0]; Keras 2 a list of them.
  const names = (x: unknown[]) =>
    x.length && typeof x[0] === "string" ? [x[0] as string] : x.map((t) => (Array.isArray(t) ? String(t[0]) : "?"));
  const outNames = names(outs);
  const inNames = names(ins);
  if (outNames.length !== 1 || inNames.length !== 1) {
    throw issue(
      `the model has ${inNames.length} inputs and ${outNames.length} outputs; exactly one of each is supported`,
      {
        field: outNames.length !== 1 ? "output_layers" : "input_layers",
      },
    );
  }
  const chain: RawLayer[] = [];
  let cur: string | undefined = outNames[0];
  const seen = new Set<string>();
  while (cur !== undefined) {
    const node = byName.get(cur);
    if (!node) throw issue(`layer '${cur}' is referenced but not defined`, { layerName: cur });
    if (seen.has(cur)) throw issue(`layer '${cur}' is part of a cycle`, { layerIndex: node.raw.index, layerName: cur });
    seen.add(cur);
    chain.unshift(node.raw);
    cur = node.inputs[0]?.[0];
  }
  if (layerName(chain[0]) !== inNames[0])
    throw issue(`the chain from the output does not start at input '${inNames[0]}'`, {
      layerIndex: chain[0].index,
      layerName: layerName(chain[0]),
    });
  const unused = raw.filter((r) => !chain.includes(r));
  if (unused.length) {
    const u = unused[0];
    throw issue(`layer '${layerName(u)}' is not on the path from input to output: only linear models are supported`, {
      layerIndex: u.index,
      layerName: layerName(u),
    });
  }
  return chain;
}
