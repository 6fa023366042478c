import type { NormalizedModel } from "./model";

export interface SummaryRow {
  index: number;
  name: string;
  className: string;
  outputShape: (number | null)[];
  params: number;
  trainable: number;
  flops: number;
  /**
   * Graph models only: Keras's "Connected to" column, the inputs as `layer[node][tensor]`
   * (`['conv2d_1[0][0]', 'add[0][0]']`; empty for the InputLayer, which Keras prints as "-").
   */
  connectedTo?: string[];
}
export interface Summary {
  name: string;
  inputShape: (number | null)[];
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** Forward-pass FLOPs per image (multiply-add = 2). Training costs about 3× this. */
  flopsPerSample: number;
}

export function summarize(model: NormalizedModel): Summary {
  const rows: SummaryRow[] = model.layers.map((l) => ({
    index: l.index,
    name: l.name,
    className: l.className,
    outputShape: [null, ...l.outputShape],
    params: l.params,
    trainable: l.params - l.nonTrainableParams,
    flops: l.flops,
    ...(l.inbound ? { connectedTo: l.inbound.map((n) => `${n}[0][0]`) } : {}),
  }));
  // A Functional model's summary lists its InputLayer too (Keras's does: it is one of model.layers).
  if (model.graph)
    rows.unshift({
      index: model.graph.inputIndex,
      name: model.graph.inputName,
      className: "InputLayer",
      outputShape: [null, ...model.inputShape],
      params: 0,
      trainable: 0,
      flops: 0,
      connectedTo: [],
    });
  const totalParams = rows.reduce((a, r) => a + r.params, 0);
  const trainableParams = rows.reduce((a, r) => a + r.trainable, 0);
  return {
    name: model.name,
    inputShape: [null, ...model.inputShape],
    rows,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    flopsPerSample: rows.reduce((a, r) => a + r.flops, 0),
  };
}

const n = (x: number) => x.toLocaleString("en-US");
const shape = (s: (number | null)[]) => `(${s.map((d) => (d === null ? "None" : d)).join(", ")})`;
const pad = (s: string, w: number) => (s.length >= w ? `${s} ` : s + " ".repeat(w - s.length));

export function formatFlops(f: number): string {
  if (f >= 1e9) return `${(f / 1e9).toFixed(2)} GFLOPs`;
  if (f >= 1e6) return `${(f / 1e6).toFixed(2)} MFLOPs`;
  if (f >= 1e3) return `${(f / 1e3).toFixed(1)} kFLOPs`;
  return `${f} FLOPs`;
}

/**
 * The table Keras's `model.summary()` prints (tf.keras 2 layout), plus a FLOPs line. A graph
 * model gets the "Connected to" column, written as Keras 3 writes it: `conv2d[0][0], add[0][0]`.
 */
export function formatSummary(s: Summary, extraLines: string[] = []): string {
  const graph = s.rows.some((r) => r.connectedTo);
  const w = graph ? [34, 26, 12, 28] : [34, 26, 10];
  const line = (c: string) => c.repeat(w.reduce((a, b) => a + b, 0) + 1);
  const out = [
    `Model: "${s.name}"`,
    line("_"),
    ` ${pad("Layer (type)", w[0] - 1)}${pad("Output Shape", w[1])}${graph ? `${pad("Param #", w[2])}Connected to` : "Param #"}`,
    line("="),
  ];
  s.rows.forEach((r, i) => {
    const cells = ` ${pad(`${r.name} (${r.className})`, w[0] - 1)}${pad(shape(r.outputShape), w[1])}`;
    if (!graph) out.push(`${cells}${n(r.params)}`);
    else {
      out.push(`${cells}${pad(n(r.params), w[2])}${r.connectedTo?.length ? r.connectedTo.join(", ") : "-"}`);
    }
    if (i < s.rows.length - 1) out.push("");
  });
  out.push(line("="));
  out.push(
    `Total params: ${n(s.totalParams)}`,
    `Trainable params: ${n(s.trainableParams)}`,
    `Non-trainable params: ${n(s.nonTrainableParams)}`,
  );
  out.push(`FLOPs per image (forward): ${formatFlops(s.flopsPerSample)}`, ...extraLines, line("_"));
  return out.join("\n");
}
