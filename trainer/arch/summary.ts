import type { NormalizedModel } from "./model";

export interface SummaryRow {
  index: number;
  name: string;
  className: string;
  outputShape: (number | null)[];
  params: number;
  trainable: number;
  flops: number;
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
  const rows = model.layers.map((l) => ({
    index: l.index,
    name: l.name,
    className: l.className,
    outputShape: [null, ...l.outputShape],
    params: l.params,
    trainable: l.params - l.nonTrainableParams,
    flops: l.flops,
  }));
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

/** The table Keras's `model.summary()` prints (tf.keras 2 layout), plus a FLOPs line. */
export function formatSummary(s: Summary, extraLines: string[] = []): string {
  const w = [34, 26, 10];
  const line = (c: string) => c.repeat(w[0] + w[1] + w[2] + 1);
  const out = [
    `Model: "${s.name}"`,
    line("_"),
    ` ${pad("Layer (type)", w[0] - 1)}${pad("Output Shape", w[1])}Param #`,
    line("="),
  ];
  s.rows.forEach((r, i) => {
    out.push(` ${pad(`${r.name} (${r.className})`, w[0] - 1)}${pad(shape(r.outputShape), w[1])}${n(r.params)}`);
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
