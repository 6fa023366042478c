import "server-only";
import { strToU8 } from "fflate";
import type { SavedModel } from "@/trainer/arch";
import type { Viewer } from "../../viewer";
import { getStoredModel, unknownModelFile } from "./stored-model";

const json = (value: unknown) => strToU8(JSON.stringify(value));

const FILES: Record<string, { type: string; read: (m: SavedModel) => Uint8Array }> = {
  "model.json": { type: "application/json", read: (m) => json(m.modelJson) },
  "weights.bin": { type: "application/octet-stream", read: (m) => m.weights },
  "metadata.json": { type: "application/json", read: (m) => json(m.metadata) },
};

export interface ModelFile {
  bytes: Uint8Array;
  contentType: string;
  /** The stored model's hash: the same for all its files; a retrained model changes it. */
  etag: string;
}

/**
 * One of the stored model's stock tfjs files, so the browser runs it with
 * `tf.loadLayersModel('/api/submissions/<id>/model/files/model.json')` (weights.bin is fetched
 * from beside it). Same access as the download; access is checked before the name.
 */
export async function getModelFile(viewer: Viewer, submissionId: string, file: string): Promise<ModelFile> {
  const stored = await getStoredModel(viewer, submissionId);
  const spec = Object.hasOwn(FILES, file) ? FILES[file] : null;
  if (!spec) throw unknownModelFile(file);
  return { bytes: spec.read(stored.saved()), contentType: spec.type, etag: `"${stored.artifact.sha256}"` };
}
