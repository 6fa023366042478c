// Stage 4, shapes: each layer's output shape, parameters and FLOPs from its input's, in order,
// with Keras's default names for unnamed layers and weight penalties in tfjs's form.
import { ArchIssue, issue } from "../errors";
import { sequential } from "../keras";
import { LAYERS } from "../layers";
import type { NormalizedLayer } from "../model";
import { fmt, type Shape } from "../shape";
import type { RawLayer } from "./raw";
import { normalizeRegularizers } from "./regularizers";

export function inferShapes(body: RawLayer[], inputShape: Shape): NormalizedLayer[] {
  if (body.length === 0) throw issue("the model has no layers");
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
    try {
      normalizeRegularizers(cfg);
      const res = LAYERS[r.className].infer(shape, cfg);
      for (const d of res.out) {
        if (!Number.isInteger(d) || d < 1) throw issue(`produces an invalid output shape ${fmt(res.out)}`);
      }
      layers.push({
        index: r.index,
        name,
        className: r.className,
        config: cfg,
        inputShape: shape,
        outputShape: res.out,
        params: res.params,
        // A frozen layer (trainable: false) keeps all its weights fixed, as in Keras's summary.
        nonTrainableParams: cfg.trainable === false ? res.params : (res.nonTrainable ?? 0),
        flops: res.flops,
      });
      shape = res.out;
    } catch (e) {
      if (!(e instanceof ArchIssue)) throw e;
      // The layer's checks name only the field: say which layer, and what it was given.
      const prefix = `${r.className} '${name}' (input ${fmt(shape)}): `;
      throw new ArchIssue(
        e.errors.map(({ field, message }) => ({
          layerIndex: r.index,
          layerName: name,
          field,
          message: `${prefix}${field ? `${field} ` : ""}${message}`,
        })),
      );
    }
  });
  return layers;
}
