// `npm run trainer -- <command>`: summary | train | presets | export | predict. Exit codes: 0 ok,
// 2 invalid input (architecture, config, usage, model files, images, a layer a format can't
// express), 3 data or backend unavailable, 4 diverged, 130 cancelled, 1 other.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  type ArchError,
  CLASS_NAMES,
  formatSummary,
  getPreset,
  parseArchitecture,
  parseTrainingConfig,
  presets,
  summarize,
} from "./arch";
import type { BackendName } from "./backend/select";
import { cmdExport, cmdPredict, UsageError } from "./cli-models";
import { TrainerError } from "./errors";
import { UnsupportedLayerError } from "./export/errors";
import { ModelFileError } from "./export/format";
import { ImageInputError } from "./export/images";

// tfjs takes seconds to load: only the commands that train pay for it.
const heavy = async () => {
  const [data, select, estimate, run, files] = await Promise.all([
    import("./data/fashionMnist"),
    import("./backend/select"),
    import("./estimate"),
    import("./train/run"),
    import("./export/files"),
  ]);
  return { ...data, ...select, ...estimate, ...run, ...files };
};

const USAGE = `usage:
  npm run trainer -- summary FILE.json [--no-estimate]
  npm run trainer -- train FILE.json [--training CONFIG.json] [--epochs N] [--json OUT.json]
                                     [--backend wasm|cpu|tensorflow] [--subset fixture|N] [--save DIR]
  npm run trainer -- presets [ID]
  npm run trainer -- export DIR --format tfjs|keras|onnx --out FILE
  npm run trainer -- predict DIR INPUT... [--limit N] [--json]
FILE.json is a Keras model.to_json(), the builder format {layers: [...]}, a file holding
{architecture, training}, or preset:ID (see \`presets\`). --save DIR writes the trained model
(model.json, weights.bin, metadata.json); DIR in export/predict is such a directory or a tfjs zip.
INPUT is an IDX images file (gzipped or not) or 28×28 grayscale PNG files; pixels are scaled by
1/255 as in training. --format tfjs is the zip of the three files.`;

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    // Let the architecture parser explain (it recognises Python's NaN/Infinity, size limits…).
    return text;
  }
}

/** A model file may be bare Keras JSON, or {architecture, training}. */
function loadSubmission(spec: string): { architecture: unknown; training: unknown } {
  if (spec.startsWith("preset:")) {
    const p = getPreset(spec.slice(7));
    if (!p) throw new UsageError(`unknown preset '${spec.slice(7)}' (have: ${presets.map((x) => x.id).join(", ")})`);
    return { architecture: p.architecture, training: p.training };
  }
  const j = readJson(spec);
  if (j && typeof j === "object" && "architecture" in j) {
    const o = j as { architecture: unknown; training?: unknown };
    return { architecture: o.architecture, training: o.training ?? {} };
  }
  return { architecture: j, training: {} };
}

function formatArchErrors(errors: ArchError[]): string {
  return errors
    .map((e) => {
      const where = [
        e.layerIndex !== null ? `layer ${e.layerIndex}` : null,
        e.layerName ? `'${e.layerName}'` : null,
        e.field ? `field '${e.field}'` : null,
      ]
        .filter(Boolean)
        .join(", ");
      return `  - ${where ? `${where}: ` : ""}${e.message}`;
    })
    .join("\n");
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

async function cmdSummary(file: string, estimate: boolean): Promise<number> {
  const sub = loadSubmission(file);
  const r = parseArchitecture(sub.architecture);
  if (!r.ok) {
    console.error(
      `error [INVALID_ARCHITECTURE]: ${r.errors.length} problem${r.errors.length > 1 ? "s" : ""}\n${formatArchErrors(r.errors)}`,
    );
    return 2;
  }
  const cfg = parseTrainingConfig(sub.training);
  const extra: string[] = [];
  if (estimate && cfg.ok) {
    const { estimateEpochTime } = await heavy();
    const est = await estimateEpochTime(r.model, cfg.config);
    extra.push(
      `Estimated time per epoch on ${est.backend}: ${est.secondsPerEpoch.toFixed(0)} s (${est.samplesPerSec.toFixed(0)} samples/s at batch ${cfg.config.batchSize})`,
    );
  }
  console.log(formatSummary(summarize(r.model), extra));
  for (const n of r.notes) console.log(`note: ${n}`);
  return 0;
}

async function cmdTrain(
  file: string,
  o: { training?: string; epochs?: string; json?: string; backend?: string; subset?: string; save?: string },
): Promise<number> {
  const sub = loadSubmission(file);
  const training = o.training ? readJson(o.training) : sub.training;
  const maxEpochs = o.epochs !== undefined ? Number(o.epochs) : undefined;
  if (maxEpochs !== undefined && (!Number.isInteger(maxEpochs) || maxEpochs < 1))
    throw new UsageError(`--epochs must be a positive integer, got '${o.epochs}'`);
  const parsed = parseArchitecture(sub.architecture);
  if (!parsed.ok) {
    console.error(
      `error [INVALID_ARCHITECTURE]: ${parsed.errors.length} problem${parsed.errors.length > 1 ? "s" : ""}\n${formatArchErrors(parsed.errors)}`,
    );
    return 2;
  }
  const { loadFashionMnist, selectBackend, runTraining, writeModelDir } = await heavy();
  const subset =
    o.subset === undefined
      ? undefined
      : o.subset === "fixture"
        ? ("fixture" as const)
        : { train: Number(o.subset), test: 10_000 };
  const data = await loadFashionMnist(subset ? { subset } : {});
  const backend = await selectBackend(o.backend as BackendName | undefined);
  console.log(
    `data: ${data.source} (${data.train.count} train, ${data.test.count} test); backend: ${backend.name}${backend.skipped.length ? ` (skipped ${backend.skipped.join("; ")})` : ""}`,
  );
  for (const n of parsed.notes) console.log(`note: ${n}`);
  const ac = new AbortController();
  const onSig = () => {
    console.error("\ninterrupt: stopping after the current batch");
    ac.abort();
  };
  process.once("SIGINT", onSig);
  process.once("SIGTERM", onSig);
  try {
    const r = await runTraining({
      architecture: parsed.model,
      training,
      data,
      maxEpochs,
      signal: ac.signal,
      onEpoch: (m) =>
        console.log(
          `epoch ${m.epoch}: loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(4)}` +
            (m.valLoss !== null ? ` val_loss ${m.valLoss.toFixed(4)} val_acc ${m.valAccuracy!.toFixed(4)}` : "") +
            ` | ${m.samplesPerSec.toFixed(0)} samples/s, ${(m.durationMs / 1000).toFixed(1)} s, ETA ≤ ${(m.etaMs / 1000).toFixed(0)} s`,
        ),
      onProgress: process.stdout.isTTY
        ? (p) =>
            process.stdout.write(
              `\r  batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)} ${p.samplesPerSec.toFixed(0)} samples/s\x1b[K\r`,
            )
        : undefined,
    });
    for (const n of r.notes) console.log(`note: ${n}`);
    console.log(`${r.stopReason}; ${r.epochs} epochs in ${(r.trainDurationMs / 1000).toFixed(1)} s`);
    console.log(
      `test accuracy ${pct(r.testAccuracy)} (public ${pct(r.publicAccuracy)}, private ${pct(r.privateAccuracy)}), test loss ${r.testLoss.toFixed(4)}`,
    );
    console.log("per class (precision / recall / F1):");
    for (const [i, c] of r.perClass.entries()) {
      console.log(
        `  ${String(i)} ${CLASS_NAMES[i].padEnd(12)} ${c.precision.toFixed(3)} / ${c.recall.toFixed(3)} / ${c.f1.toFixed(3)}`,
      );
    }
    console.log("confusion matrix (rows = true, columns = predicted):");
    for (const row of r.confusionMatrix) console.log(`  ${row.map((v) => String(v).padStart(5)).join("")}`);
    if (o.json) {
      writeFileSync(
        o.json,
        JSON.stringify(
          // The model itself goes to --save DIR, not into the report.
          {
            ...r,
            model: undefined,
            predictions: Array.from(r.predictions),
            backendInfo: backend,
            dataSource: data.source,
          },
          null,
          1,
        ),
      );
      console.log(`wrote ${o.json}`);
    }
    if (o.save) {
      writeModelDir(o.save, r.model);
      console.log(`saved the model to ${o.save} (model.json, weights.bin, metadata.json)`);
    }
    return 0;
  } finally {
    process.off("SIGINT", onSig);
    process.off("SIGTERM", onSig);
  }
}

function cmdPresets(id?: string): number {
  if (id) {
    const p = getPreset(id);
    if (!p) throw new UsageError(`unknown preset '${id}' (have: ${presets.map((x) => x.id).join(", ")})`);
    console.log(JSON.stringify({ architecture: p.architecture, training: p.training }, null, 2));
    return 0;
  }
  for (const p of presets) {
    const r = parseArchitecture(p.architecture);
    const params = r.ok ? summarize(r.model).totalParams : NaN;
    console.log(
      `${p.id.padEnd(22)} ${p.name}\n${" ".repeat(23)}${params.toLocaleString("en-US")} params; ${p.reference.kind === "report" ? "report" : "measured"} ${pct(p.reference.testAccuracy)} (${p.reference.source})`,
    );
  }
  return 0;
}

const EXIT: Record<string, number> = {
  INVALID_ARCHITECTURE: 2,
  INVALID_CONFIG: 2,
  DATA_UNAVAILABLE: 3,
  BACKEND_UNAVAILABLE: 3,
  DIVERGED: 4,
  CANCELLED: 130,
  INTERNAL: 1,
};

// Each command's options: one that belongs to another command is a usage error, not ignored.
const OPTIONS = {
  summary: { "no-estimate": { type: "boolean" } },
  train: {
    training: { type: "string" },
    epochs: { type: "string" },
    json: { type: "string" },
    backend: { type: "string" },
    subset: { type: "string" },
    save: { type: "string" },
  },
  presets: {},
  export: { format: { type: "string" }, out: { type: "string" } },
  predict: { limit: { type: "string" }, json: { type: "boolean" } },
} as const;

async function main(argv: string[]): Promise<number> {
  const first = argv[0] && !argv[0].startsWith("-") ? argv[0] : undefined;
  const specific = first && Object.hasOwn(OPTIONS, first) ? OPTIONS[first as keyof typeof OPTIONS] : {};
  const { positionals, values: v } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...specific, help: { type: "boolean", short: "h" } },
  });
  const values = v as Record<string, string | boolean | undefined>;
  const str = (k: string) => values[k] as string | undefined;
  const [cmd, arg, ...rest] = positionals;
  if (values.help || !cmd) {
    console.log(USAGE);
    return cmd || values.help ? 0 : 2;
  }
  switch (cmd) {
    case "summary":
      if (!arg) throw new UsageError("summary needs FILE.json");
      return cmdSummary(arg, !values["no-estimate"]);
    case "train":
      if (!arg) throw new UsageError("train needs FILE.json");
      return cmdTrain(arg, {
        training: str("training"),
        epochs: str("epochs"),
        json: str("json"),
        backend: str("backend"),
        subset: str("subset"),
        save: str("save"),
      });
    case "presets":
      return cmdPresets(arg);
    case "export":
      if (!arg) throw new UsageError("export needs DIR (a saved model: train --save DIR)");
      if (rest.length) throw new UsageError(`export takes one DIR, got also '${rest.join(" ")}'`);
      return cmdExport(arg, { format: str("format"), out: str("out") });
    case "predict":
      if (!arg) throw new UsageError("predict needs DIR (a saved model) and INPUT");
      return cmdPredict(arg, rest, { limit: str("limit"), json: values.json === true });
    default:
      throw new UsageError(`unknown command '${cmd}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof TrainerError) {
      console.error(`error [${e.code}]: ${e.message}`);
      if (e.code === "INVALID_ARCHITECTURE" && Array.isArray(e.details))
        console.error(formatArchErrors(e.details as ArchError[]));
      process.exit(EXIT[e.code] ?? 1);
    }
    // Bad model files, bad images and layers a format can't express: the input is wrong, exit 2.
    const named: [new (...a: never[]) => Error, string][] = [
      [ModelFileError, "MODEL_FILE"],
      [ImageInputError, "INVALID_INPUT"],
      [UnsupportedLayerError, "EXPORT_UNSUPPORTED"],
    ];
    const hit = named.find(([cls]) => e instanceof cls);
    if (hit) {
      console.error(`error [${hit[1]}]: ${(e as Error).message}`);
      process.exit(2);
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith?.("ERR_PARSE_ARGS")) {
      console.error(`error: ${(e as Error).message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`error [INTERNAL]: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  },
);
