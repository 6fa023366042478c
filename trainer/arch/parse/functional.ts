// Part of the format stage: a Functional model's layers and how they are wired, checked as a
// graph (one input, one output, no cycles, no shared layers, every layer on a path from the
// input to the output) and put in topological order. A graph that is one chain comes back as
// the plain list of layers, the same as a Sequential model's; anything else keeps its edges.
//
// How Keras writes a layer's calls (`inbound_nodes`, one entry per call):
// - Keras 2 and tf.keras 2.x: a list of `[layer_name, node_index, tensor_index, kwargs]`, e.g.
//   `[[["conv2d", 0, 0, {}], ["conv2d_1", 0, 0, {}]]]` for an Add of two tensors.
// - Keras 3 (functional.py serialize_node): `{"args": [...], "kwargs": {...}}` where each input
//   tensor is `{"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, tensor]}}`;
//   a merge's args is `[[tensor, tensor]]`.
// `input_layers` / `output_layers`: `[[name, node, tensor], …]` (Keras 3 may write one bare triple).
import { ArchIssue, archError, issue } from "../errors";
import { MERGE_CLASSES } from "../layers";
import { isObj, layerName, type RawLayer, rawLayersOf } from "./raw";

interface TensorRef {
  name: string;
  node: number;
  tensor: number;
}

const ref = (h: unknown[]): TensorRef => ({ name: String(h[0]), node: Number(h[1] ?? 0), tensor: Number(h[2] ?? 0) });

/** Each call of the layer → the tensors it was called on, in order. */
function inboundRefs(layer: Record<string, unknown>): TensorRef[][] {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes)) return [];
  return nodes.map((node) => {
    if (Array.isArray(node)) return node.filter(Array.isArray).map((t) => ref(t as unknown[]));
    if (!isObj(node)) return [];
    const refs: TensorRef[] = [];
    const visit = (x: unknown) => {
      if (Array.isArray(x)) x.forEach(visit);
      else if (isObj(x)) {
        const cfg = x.config;
        if (x.class_name === "__keras_tensor__" && isObj(cfg) && Array.isArray(cfg.keras_history))
          refs.push(ref(cfg.keras_history));
        else Object.values(x).forEach(visit);
      }
    };
    // Only args carry the layer's inputs; kwargs hold options (training, mask).
    visit(node.args);
    return refs;
  });
}

/** input_layers / output_layers → layer names. */
function endpointNames(x: unknown): string[] {
  if (!Array.isArray(x)) return [];
  if (x.length && typeof x[0] === "string") return [x[0]];
  return x.map((t) => (Array.isArray(t) ? String(t[0]) : String(t)));
}

const quoted = (names: string[]) => names.map((n) => `'${n}'`).join(", ");

export interface FunctionalLayout {
  /** Topological order, the input layer first and the output layer last. */
  layers: RawLayer[];
  /** False when the graph is a single chain: then `layers` is it and no layer has `inbound`. */
  graph: boolean;
  inputName: string;
}

export function readFunctional(config: Record<string, unknown>): FunctionalLayout {
  const list = config.layers;
  if (!Array.isArray(list)) throw issue("Functional model config has no layers list", { field: "layers" });
  const raw = rawLayersOf(list, "config.layers");
  const byName = new Map<string, RawLayer>();
  const inbound = new Map<string, string[]>();
  raw.forEach((r, i) => {
    const name = layerName(r);
    if (name === null)
      throw issue(`layer ${i} has no name: a Functional model's layers are wired by name`, {
        layerIndex: r.index,
        field: "name",
      });
    if (byName.has(name))
      throw issue(`duplicate layer name '${name}'`, { layerIndex: r.index, layerName: name, field: "name" });
    byName.set(name, r);
  });
  for (const [name, r] of byName) {
    const at = { layerIndex: r.index, layerName: name, field: "inbound_nodes" };
    const calls = inboundRefs(list[r.index] as Record<string, unknown>);
    if (calls.length > 1)
      throw issue(
        `layer '${name}' is called ${calls.length} times (shared layers are not supported: give each call its own layer)`,
        at,
      );
    const refs = calls[0] ?? [];
    for (const t of refs) {
      if (!byName.has(t.name))
        throw issue(`layer '${name}' takes its input from '${t.name}', which is not defined`, at);
      if (t.node !== 0 || t.tensor !== 0)
        throw issue(
          `layer '${name}' takes ${t.name}[${t.node}][${t.tensor}]: only the first call and output of a layer can be used (shared and multi-output layers are not supported)`,
          at,
        );
    }
    inbound.set(
      name,
      refs.map((t) => t.name),
    );
  }

  const ins = endpointNames(config.input_layers);
  const outs = endpointNames(config.output_layers);
  if (ins.length !== 1)
    throw issue(
      `the model has ${ins.length} inputs${ins.length ? ` (${quoted(ins)})` : ""}: exactly one is supported, the 28×28 image`,
      { field: "input_layers" },
    );
  if (outs.length !== 1)
    throw issue(
      `the model has ${outs.length} outputs${outs.length ? ` (${quoted(outs)})` : ""}: exactly one is supported, the 10 class scores`,
      { field: "output_layers" },
    );
  const [inputName] = ins;
  const [outputName] = outs;
  for (const [n, field] of [
    [inputName, "input_layers"],
    [outputName, "output_layers"],
  ] as const)
    if (!byName.has(n)) throw issue(`${field} names '${n}', which is not a layer of the model`, { field });
  if (inbound.get(inputName)?.length || byName.get(inputName)!.className !== "InputLayer")
    throw issue(
      `the input '${inputName}' is a ${byName.get(inputName)!.className}: the model's input must be an InputLayer`,
      {
        layerIndex: byName.get(inputName)!.index,
        layerName: inputName,
        field: "input_layers",
      },
    );

  findCycle(byName, inbound);

  // Keep the layers on some path input → output: ancestors of the output that descend from the input.
  const consumers = new Map<string, string[]>([...byName.keys()].map((n) => [n, []]));
  for (const [n, srcs] of inbound) for (const s of new Set(srcs)) consumers.get(s)!.push(n);
  const reach = (start: string, next: (n: string) => string[]) => {
    const seen = new Set([start]);
    const todo = [start];
    while (todo.length)
      for (const m of next(todo.pop()!)) {
        if (seen.has(m)) continue;
        seen.add(m);
        todo.push(m);
      }
    return seen;
  };
  const fromInput = reach(inputName, (n) => consumers.get(n)!);
  const toOutput = reach(outputName, (n) => inbound.get(n)!);
  if (!fromInput.has(outputName))
    throw issue(`the output '${outputName}' is not connected to the input '${inputName}'`, {
      layerIndex: byName.get(outputName)!.index,
      layerName: outputName,
      field: "output_layers",
    });
  const off = raw.filter((r) => !(fromInput.has(layerName(r)!) && toOutput.has(layerName(r)!)));
  if (off.length)
    throw new ArchIssue(
      off.map((r) =>
        archError(
          `layer '${layerName(r)}' (${r.className}) is not on any path from the input '${inputName}' to the output '${outputName}' (${fromInput.has(layerName(r)!) ? "the output doesn't use it" : "it doesn't get the input"})`,
          { layerIndex: r.index, layerName: layerName(r), field: "inbound_nodes" },
        ),
      ),
    );

  // Kahn's algorithm; ties go to the earlier layer in the submitted list (Keras writes them in a
  // topological order already, which this then keeps).
  const pending = new Map(raw.map((r) => [layerName(r)!, new Set(inbound.get(layerName(r)!)).size]));
  const order: RawLayer[] = [];
  const ready = raw.filter((r) => pending.get(layerName(r)!) === 0);
  while (ready.length) {
    ready.sort((a, b) => a.index - b.index);
    const r = ready.shift()!;
    order.push(r);
    for (const c of consumers.get(layerName(r)!)!) {
      const left = pending.get(c)! - 1;
      pending.set(c, left);
      if (left === 0) ready.push(byName.get(c)!);
    }
  }
  // A merge is a graph even with one input: its own checks then say it needs two.
  const graph = order.some(
    (r) =>
      MERGE_CLASSES.has(r.className) ||
      inbound.get(layerName(r)!)!.length > 1 ||
      consumers.get(layerName(r)!)!.length > 1,
  );
  if (!graph) return { layers: order, graph, inputName };
  return { layers: order.map((r) => ({ ...r, inbound: inbound.get(layerName(r)!)! })), graph, inputName };
}

/** Throws naming the layers of a cycle, if the wiring has one. */
function findCycle(byName: Map<string, RawLayer>, inbound: Map<string, string[]>): void {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (n: string): void => {
    state.set(n, "open");
    path.push(n);
    for (const m of inbound.get(n) ?? []) {
      if (state.get(m) === "open") {
        const cycle = [...path.slice(path.indexOf(m)), m].reverse();
        const r = byName.get(m)!;
        throw issue(
          `layers ${cycle.map((c) => `'${c}'`).join(" → ")} form a cycle: a model's layers must not feed back`,
          {
            layerIndex: r.index,
            layerName: m,
            field: "inbound_nodes",
          },
        );
      }
      if (!state.has(m)) visit(m);
    }
    path.pop();
    state.set(n, "done");
  };
  for (const n of byName.keys()) if (!state.has(n)) visit(n);
}
