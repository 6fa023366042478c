// Stage 4, shapes: each layer's output shape, parameters and FLOPs from its input's, in order,
// with Keras's default names for unnamed layers and weight penalties in tfjs's form. A graph's
// layers (topological order) take their inputs' shapes by name; merge layers take several.
import { ArchIssue, issue } from "../errors";
import { sequential } from "../keras";
import { LAYERS, MERGE_CLASSES } from "../layers";
import type { NormalizedLayer } from "../model";
import { fmt, type Shape } from "../shape";
import type { RawLayer } from "./raw";
import { normalizeRegularizers } from "./regularizers";

/** One layer's shapes and counts; the error names the layer and what it was given. */
function inferLayer(
  r: RawLayer,
  name: string,
  cfg: Record<string, unknown>,
  inputs: { name: string | null; shape: Shape }[],
): NormalizedLayer {
  const spec = LAYERS[r.className];
  const merge = MERGE_CLASSES.has(r.className);
  try {
    normalizeRegularizers(cfg);
    if (!merge && inputs.length !== 1)
      throw issue(
        `takes ${inputs.length} inputs (${inputs.map((i) => `'${i.name}'`).join(", ")}): only merge layers (${[...MERGE_CLASSES].join(", ")}) take several`,
      );
    const shapes = inputs.map((i) => i.shape);
    const res = merge && r.inbound ? spec.merge!(shapes, cfg) : spec.infer(shapes[0], cfg);
    for (const d of res.out) {
      if (!Number.isInteger(d) || d < 1) throw issue(`produces an invalid output shape ${fmt(res.out)}`);
    }
    return {
      index: r.index,
      name,
      className: r.className,
      config: cfg,
      inputShape: shapes[0],
      outputShape: res.out,
      ...(r.inbound ? { inbound: [...r.inbound], inputShapes: shapes } : {}),
      params: res.params,
      // A frozen layer (trainable: false) keeps all its weights fixed, as in Keras's summary.
      nonTrainableParams: cfg.trainable === false ? res.params : (res.nonTrainable ?? 0),
      flops: res.flops,
    };
  } catch (e) {
    if (!(e instanceof ArchIssue)) throw e;
    // The layer's checks name only the field: say which layer, and what it was given.
    const given =
      inputs.length === 1 && !r.inbound
        ? `input ${fmt(inputs[0].shape)}`
        : `input${inputs.length === 1 ? "" : "s"} ${inputs.map((i) => `'${i.name}' ${fmt(i.shape)}`).join(", ")}`;
    const prefix = `${r.className} '${name}' (${given}): `;
    throw new ArchIssue(
      e.errors.map(({ field, message }) => ({
        layerIndex: r.index,
        layerName: name,
        field,
        message: `${prefix}${field ? `${field} ` : ""}${message}`,
      })),
    );
  }
}

export function inferShapes(body: RawLayer[], inputShape: Shape, graphInput?: string): NormalizedLayer[] {
  if (body.length === 0) throw issue("the model has no layers");
  if (graphInput !== undefined) return inferGraph(body, inputShape, graphInput);
  // Unique names, Keras-style defaults for missing ones.
  const used = new Set<string>();
  const named = sequential(
    body.map((r) => ({ class_name: r.className, config: r.config })),
    {},
  );
  const layers: NormalizedLayer[] = [];
  let shape = inputShape;
  body.forEach((r, i) => {
    const cfg = named.config.layers[i].config;
    const name = String(cfg.name);
    if (used.has(name))
      throw issue(`duplicate layer name '${name}'`, { layerIndex: r.index, layerName: name, field: "name" });
    used.add(name);
    const l = inferLayer(r, name, cfg, [{ name: null, shape }]);
    layers.push(l);
    shape = l.outputShape;
  });
  return layers;
}

/** A Functional graph's layers (named, unique, topologically ordered by parse/functional.ts). */
function inferGraph(body: RawLayer[], inputShape: Shape, inputName: string): NormalizedLayer[] {
  const shapes = new Map<string, Shape>([[inputName, inputShape]]);
  return body.map((r) => {
    const name = String(r.config.name);
    const inputs = (r.inbound ?? []).map((n) => ({ name: n, shape: shapes.get(n)! }));
    const l = inferLayer(r, name, r.config, inputs);
    shapes.set(name, l.outputShape);
    return l;
  });
}
