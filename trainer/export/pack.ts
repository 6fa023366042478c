// A saved model as one zip (model.json, weights.bin, metadata.json): what the platform stores and
// what the "TensorFlow.js" download is. Browser-safe (fflate is plain JavaScript).
import { strFromU8, strToU8, type Unzipped, unzipSync, zipSync } from "fflate";
import { DEFAULT_LIMITS } from "../arch/limits";
import { checkSavedModel, MODEL_FILES, ModelFileError, type SavedModel } from "./format";

/**
 * The most a saved model of `maxParams` parameters can take: float32 weights plus room for
 * model.json and metadata.json (a 200-layer model.json is well under 1 MB). The zip is no larger
 * (weights are stored, the JSON deflated), so this bounds stored artifacts too.
 */
export const maxModelBytes = (maxParams: number): number => 4 * maxParams + 8 * 1024 * 1024;
const DEFAULT_MAX_UNPACKED_BYTES = maxModelBytes(DEFAULT_LIMITS.maxParams);
// The zip's timestamps are the model's creation time, so the same model always packs to the same
// bytes (the platform stores a content hash). DOS time starts in 1980.
const zipTime = (iso: string) => new Date(Math.max(Date.parse(iso), Date.UTC(1980, 0, 2)));

export function packModel(saved: SavedModel): Uint8Array {
  const mtime = zipTime(saved.metadata.createdAt);
  return zipSync(
    {
      [MODEL_FILES.modelJson]: [strToU8(JSON.stringify(saved.modelJson)), { mtime }],
      // float32 weights barely deflate (8 % for the presets, trainer/scripts/export-sizes.ts);
      // storing them keeps packing and unpacking at a few milliseconds.
      [MODEL_FILES.weights]: [saved.weights, { mtime, level: 0 }],
      [MODEL_FILES.metadata]: [strToU8(JSON.stringify(saved.metadata, null, 1)), { mtime }],
    },
    { level: 6 },
  );
}

/**
 * The inverse of packModel, checking everything: a bad or incomplete zip is a ModelFileError.
 * Archives unpacking to more than `maxUnpackedBytes` (default: maxModelBytes at the default
 * parameter budget) are refused before they are inflated.
 */
export function unpackModel(bytes: Uint8Array, opts: { maxUnpackedBytes?: number } = {}): SavedModel {
  const max = opts.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES;
  const wanted = new Set<string>(Object.values(MODEL_FILES));
  let total = 0;
  let files: Unzipped;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (!wanted.has(f.name)) return false;
        total += f.originalSize;
        if (total > max) throw new ModelFileError(`model archive unpacks to more than ${max} bytes`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(`not a model archive (zip): ${(e as Error).message}`);
  }
  const missing = [...wanted].filter((n) => !(n in files));
  if (missing.length)
    throw new ModelFileError(
      `model archive is incomplete: missing ${missing.join(", ")} (need ${[...wanted].join(", ")})`,
    );
  const text = (name: string) => {
    try {
      return strFromU8(files[name]);
    } catch {
      throw new ModelFileError(`${name} is not UTF-8 text`);
    }
  };
  return checkSavedModel({
    modelJson: text(MODEL_FILES.modelJson),
    weights: files[MODEL_FILES.weights],
    metadata: text(MODEL_FILES.metadata),
  });
}
