import "server-only";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { MODEL_FORMAT_INFO, MODEL_FORMATS } from "@/lib/model-formats";
import { exportKeras, exportOnnx, UnsupportedLayerError } from "@/trainer/export";
import { badInput } from "../../errors";
import { parseInput } from "../../input";
import type { Viewer } from "../../viewer";
import { getStoredModel, type StoredModel } from "./stored-model";

export interface ModelDownload {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
  etag: string;
}

// Conversions by (model hash, format): a class downloading the winner's model converts it once.
const converted = new LRUCache<string, Uint8Array>({
  maxSize: 256 * 1024 * 1024,
  sizeCalculation: (bytes) => bytes.byteLength,
});

const formatInput = z.object({
  format: z.enum(MODEL_FORMATS, { error: `format must be one of ${MODEL_FORMATS.join(", ")}` }),
});

async function convert(stored: StoredModel, format: "keras" | "onnx", key: string): Promise<Uint8Array> {
  try {
    const bytes = format === "keras" ? await exportKeras(stored.saved()) : await exportOnnx(stored.saved());
    converted.set(key, bytes);
    return bytes;
  } catch (error) {
    if (error instanceof UnsupportedLayerError)
      throw badInput(error.message, [{ path: "format", message: error.message }]);
    throw error;
  }
}

/**
 * The stored model in a format a runtime we did not write opens: the tfjs zip as stored, or a
 * Keras 3 `.keras` / ONNX file converted from it. A layer a format can't express is a
 * BAD_USER_INPUT naming the layer, never a broken file.
 */
export async function downloadModel(viewer: Viewer, submissionId: string, input: unknown): Promise<ModelDownload> {
  const stored = await getStoredModel(viewer, submissionId);
  const { format } = parseInput(formatInput, input);
  const key = `${stored.artifact.sha256}:${format}`;
  const bytes =
    format === "tfjs" ? stored.artifact.bytes : (converted.get(key) ?? (await convert(stored, format, key)));
  const name =
    stored
      .saved()
      .metadata.name.replace(/[^\w.-]+/g, "_")
      .slice(0, 60) || "model";
  return {
    filename: `${name}-${stored.submissionId}.${MODEL_FORMAT_INFO[format].extension}`,
    contentType: MODEL_FORMAT_INFO[format].contentType,
    bytes,
    etag: `"${stored.artifact.sha256}-${format}"`,
  };
}
