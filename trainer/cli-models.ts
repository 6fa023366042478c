// The CLI's commands on saved models (`export`, `predict`); cli.ts parses and dispatches.
import { writeFileSync } from "node:fs";
import { CLASS_NAMES } from "./arch/classes";
import { EXPORT_FORMATS, type ExportFormat } from "./export/errors";
import { readModel } from "./export/files";
import { readInputImages } from "./export/images";
import { packModel } from "./export/pack";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

// tfjs takes seconds to load: reading and checking the input comes first, so bad input fails fast.
const tfjsParts = async () => {
  const [keras, onnx, save, select] = await Promise.all([
    import("./export/keras"),
    import("./export/onnx"),
    import("./export/save"),
    import("./backend/select"),
  ]);
  await select.selectBackend();
  return { ...keras, ...onnx, ...save };
};

export async function cmdExport(dir: string, o: { format?: string; out?: string }): Promise<number> {
  if (!o.format) throw new UsageError(`export needs --format ${EXPORT_FORMATS.join("|")}`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(o.format))
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(", ")}, got '${o.format}'`);
  if (!o.out) throw new UsageError("export needs --out FILE");
  const saved = readModel(dir);
  const format = o.format as ExportFormat;
  const x = format === "tfjs" ? null : await tfjsParts();
  const t0 = performance.now();
  const bytes =
    x === null ? packModel(saved) : format === "keras" ? await x.exportKeras(saved) : await x.exportOnnx(saved);
  writeFileSync(o.out, bytes);
  console.log(`wrote ${o.out} (${format}, ${bytes.length} bytes, ${(performance.now() - t0).toFixed(0)} ms)`);
  return 0;
}

const pct = (p: number) => `${(100 * p).toFixed(1)} %`;

export async function cmdPredict(
  dir: string,
  inputs: string[],
  o: { limit?: string; json?: boolean },
): Promise<number> {
  if (inputs.length === 0) throw new UsageError("predict needs INPUT: an IDX images file or PNG files");
  const limit = o.limit === undefined ? undefined : Number(o.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new UsageError(`--limit must be a positive integer, got '${o.limit}'`);
  const saved = readModel(dir);
  const input = readInputImages(inputs, limit);
  const x = await tfjsParts();
  const model = await x.loadModel(saved);
  let probs: Float32Array;
  try {
    probs = await x.predictProbabilities(model, input.images, input.count);
  } finally {
    model.dispose();
  }
  const k = probs.length / Math.max(1, input.count);
  const predictions = Array.from({ length: input.count }, (_, i) => {
    const p = Array.from(probs.subarray(i * k, (i + 1) * k));
    return { class: p.indexOf(Math.max(...p)), probabilities: p };
  });
  if (o.json) {
    console.log(JSON.stringify({ predictions }));
    return 0;
  }
  const names = saved.metadata.classNames ?? CLASS_NAMES;
  predictions.forEach((r, i) => {
    const top = r.probabilities
      .map((p, c) => ({ p, c }))
      .sort((a, b) => b.p - a.p)
      .slice(0, 3)
      .map(({ p, c }) => `${names[c]} ${pct(p)}`)
      .join(", ");
    console.log(`${input.sources[i]}: ${r.class} ${names[r.class]} (${top})`);
  });
  return 0;
}
