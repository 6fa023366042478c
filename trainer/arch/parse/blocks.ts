// Part of the format stage: the builder format's two compound items, which expand into a small
// graph of real Keras layers (so the model, its summary and its saved files are plain Keras):
// - ResidualBlock {filters, kernelSize = 3, activation = 'relu', shortcut = 'identity'}:
//   x → Conv2D(filters, k, same, activation) → Conv2D(filters, k, same) → Add with the shortcut
//   → Activation. The shortcut is x itself, or with shortcut 'conv1x1' a Conv2D(filters, 1) of x,
//   which a block that changes the channel count needs (ResNet's projection shortcut).
// - BranchConcatBlock {filters, activation = 'relu'}: three branches of x, Conv2D(filters, 1),
//   Conv2D(filters, 3, same) and MaxPooling2D(3, strides 1, same), concatenated on channels
//   (GoogLeNet's inception block, without its 1×1 reductions): 2·filters + x's channels out.
// Every layer of a block carries the block's position, so its errors land on the block's row.
import { ArchIssue, fieldIssue, issue } from "../errors";
import { sequential } from "../keras";
import type { RawLayer } from "./raw";

export const BLOCK_TYPES = ["ResidualBlock", "BranchConcatBlock"] as const;

interface Part {
  class_name: string;
  config: Record<string, unknown>;
  /** Inputs: positions in the parts list. */
  from: number[];
}

const ALLOWED: Record<(typeof BLOCK_TYPES)[number], string[]> = {
  ResidualBlock: ["filters", "kernel_size", "activation", "shortcut"],
  BranchConcatBlock: ["filters", "activation"],
};

/** The block's parts, fed by part `x`; appended to `parts`. */
function expand(type: (typeof BLOCK_TYPES)[number], cfg: Record<string, unknown>, x: number, parts: Part[]): void {
  const unknown = Object.keys(cfg).filter((k) => !ALLOWED[type].includes(k));
  if (unknown.length)
    throw fieldIssue(unknown[0], `is not a setting of ${type} (its settings: ${ALLOWED[type].join(", ")})`);
  const add = (p: Part) => parts.push(p) - 1;
  const act = cfg.activation ?? "relu";
  const conv = (kernel: unknown, activation: unknown, from: number) =>
    add({
      class_name: "Conv2D",
      config: { filters: cfg.filters, kernel_size: kernel, padding: "same", activation },
      from: [from],
    });
  if (type === "ResidualBlock") {
    const shortcut = cfg.shortcut ?? "identity";
    if (shortcut !== "identity" && shortcut !== "conv1x1")
      throw fieldIssue("shortcut", `must be 'identity' or 'conv1x1', got ${JSON.stringify(shortcut)}`);
    const k = cfg.kernel_size ?? 3;
    const c1 = conv(k, act, x);
    const c2 = conv(k, "linear", c1);
    const skip = shortcut === "conv1x1" ? conv(1, "linear", x) : x;
    const sum = add({ class_name: "Add", config: {}, from: [skip, c2] });
    add({ class_name: "Activation", config: { activation: act }, from: [sum] });
    return;
  }
  const b1 = conv(1, act, x);
  const b2 = conv(3, act, x);
  const b3 = add({
    class_name: "MaxPooling2D",
    config: { pool_size: 3, strides: 1, padding: "same" },
    from: [x],
  });
  add({ class_name: "Concatenate", config: { axis: -1 }, from: [b1, b2, b3] });
}

export const isBlock = (type: string): type is (typeof BLOCK_TYPES)[number] =>
  (BLOCK_TYPES as readonly string[]).includes(type);

/**
 * Builder layers with at least one block → a graph: an InputLayer (no shape: the builder's
 * inputShape is given outside), then every layer, each fed by the one before, blocks expanded.
 * Named as Keras names them (conv2d, conv2d_1, add…), in order.
 */
export function expandBuilderBlocks(items: RawLayer[]): { layers: RawLayer[]; inputName: string } {
  const parts: Part[] = [{ class_name: "InputLayer", config: {}, from: [] }];
  const owner: number[] = [items[0]?.index ?? 0];
  for (const item of items) {
    const x = parts.length - 1;
    const before = parts.length;
    if (isBlock(item.className)) {
      if (typeof item.config.name === "string")
        throw issue(`a ${item.className} has no name of its own (its layers are named as Keras names them)`, {
          layerIndex: item.index,
          field: "name",
        });
      try {
        expand(item.className, item.config, x, parts);
      } catch (e) {
        if (!(e instanceof ArchIssue)) throw e;
        // The block's own checks name only the field: say which item.
        throw new ArchIssue(
          e.errors.map((err) => ({
            ...err,
            layerIndex: item.index,
            message: `${item.className}: ${err.field ? `${err.field} ` : ""}${err.message}`,
          })),
        );
      }
    } else parts.push({ class_name: item.className, config: item.config, from: [x] });
    for (let i = before; i < parts.length; i++) owner.push(item.index);
  }
  const named = sequential(
    parts.map((p) => ({ class_name: p.class_name, config: p.config })),
    {},
  ).config.layers.map((l) => String(l.config.name));
  const seen = new Set<string>();
  named.forEach((n, i) => {
    if (seen.has(n)) throw issue(`duplicate layer name '${n}'`, { layerIndex: owner[i], layerName: n, field: "name" });
    seen.add(n);
  });
  const layers = parts.map((p, i) => ({
    index: owner[i],
    className: p.class_name,
    config: { ...p.config, name: named[i] },
    ...(i === 0 ? { inbound: [] } : { inbound: p.from.map((f) => named[f]) }),
  }));
  return { layers, inputName: named[0] };
}
