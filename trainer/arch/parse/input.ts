// Stage 3, input shape: from an InputLayer, the first layer's input_shape / batch_input_shape /
// batch_shape, or given outside the layers; else assumed from the first layer. The images are fed
// in whichever accepted shape it is, and a note says so.
import { issue } from "../errors";
import { fmt, type Shape } from "../shape";
import { layerName, type RawLayer } from "./raw";

const ACCEPTED_INPUTS: Shape[] = [[28, 28, 1], [28, 28], [784]];

// Keys that carry the input shape, in each Keras generation.
export function shapeFrom(cfg: Record<string, unknown>): { shape: (number | null)[]; field: string } | null {
  for (const field of ["batch_shape", "batch_input_shape"]) {
    const v = cfg[field];
    if (Array.isArray(v)) return { shape: v.slice(1) as (number | null)[], field };
  }
  if (Array.isArray(cfg.input_shape)) return { shape: cfg.input_shape as (number | null)[], field: "input_shape" };
  return null;
}

/** The input shape, and the layers without a leading InputLayer. */
export function resolveInput(
  layers: RawLayer[],
  explicit: (number | null)[] | null,
  notes: string[],
): { shape: Shape; body: RawLayer[] } {
  let body = layers;
  let found: { shape: (number | null)[]; field: string; layer: RawLayer | null } | null = explicit
    ? { shape: explicit, field: "inputShape", layer: null }
    : null;
  if (body[0]?.className === "InputLayer") {
    const s = shapeFrom(body[0].config);
    if (s) found = { ...s, layer: body[0] };
    body = body.slice(1);
  }
  if (!found && body[0]) {
    const s = shapeFrom(body[0].config);
    if (s) found = { ...s, layer: body[0] };
  }
  // After a leading InputLayer is taken off, none may remain (a second one would reach the layer
  // table, which has no entry for it).
  for (const l of body) {
    if (l.className === "InputLayer")
      throw issue("InputLayer is only allowed first", {
        layerIndex: l.index,
        layerName: layerName(l),
        field: "class_name",
      });
  }
  if (!found) {
    const first = body[0]?.className;
    const shape = first === "Dense" ? [784] : [28, 28, 1];
    notes.push(`No input shape given; assuming ${fmt(shape)} (the images${shape.length === 1 ? ", flattened" : ""}).`);
    return { shape, body };
  }
  const where = {
    layerIndex: found.layer ? found.layer.index : null,
    layerName: found.layer ? layerName(found.layer) : null,
    field: found.field,
  };
  const s = found.shape;
  if (s.some((d) => d === null))
    throw issue(`input shape ${fmt(s)} has unknown dimensions; it must be (28, 28, 1), (28, 28) or (784,)`, where);
  const shape = s as number[];
  if (!ACCEPTED_INPUTS.some((a) => a.length === shape.length && a.every((d, i) => d === shape[i]))) {
    const size = shape.reduce((a, b) => a * b, 1);
    const hint =
      shape.length === 3 && shape[0] === 1 && shape[1] === 28
        ? " (channels-first is not supported: use (28, 28, 1))"
        : size === 784
          ? ""
          : ` (Fashion-MNIST images are 28×28 grayscale = 784 values; got ${size})`;
    throw issue(`input shape ${fmt(shape)} is not accepted; use (28, 28, 1), (28, 28) or (784,)${hint}`, where);
  }
  if (shape.length === 1) notes.push("Input is (None, 784): images are fed flattened, row by row.");
  else if (shape.length === 2) notes.push("Input is (None, 28, 28): images are fed as 28×28 without a channel axis.");
  return { shape, body };
}
