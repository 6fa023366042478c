import "server-only";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { type SavedModel, unpackModel } from "@/trainer/arch";
import { requireSubmissionAccess } from "../../access";
import { type Artifact, artifacts } from "../../artifacts/store";
import { badInput, notFound } from "../../errors";
import { idSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";

const idInput = z.object({ id: idSchema });

export interface StoredModel {
  submissionId: string;
  /** The stored bytes: the tfjs zip (model.json, weights.bin, metadata.json). */
  artifact: Artifact;
  /** Unpacked on first use. */
  saved: () => SavedModel;
}

// Unpacked models by content hash: the browser asks for model.json and then weights.bin, and both
// come from one unpacking. Bounded by bytes so a class's worth of large models can't fill memory.
const unpacked = new LRUCache<string, SavedModel>({
  maxSize: 256 * 1024 * 1024,
  sizeCalculation: (m) => m.weights.byteLength + 64 * 1024,
});

/**
 * The submission's stored trained model, for a viewer who may use it: its author, the class's
 * graders, and other students while the class shares trained models (access.ts decides).
 */
export async function getStoredModel(viewer: Viewer, submissionId: unknown): Promise<StoredModel> {
  const { id } = parseInput(idInput, { id: submissionId });
  await requireSubmissionAccess(viewer, id, { who: "model-user" });
  const artifact = await artifacts.get(id, "MODEL");
  if (!artifact) throw notFound("A trained model of this submission");
  return {
    submissionId: id,
    artifact,
    saved: () => {
      let saved = unpacked.get(artifact.sha256);
      if (!saved) {
        saved = unpackModel(artifact.bytes);
        unpacked.set(artifact.sha256, saved);
      }
      return saved;
    },
  };
}

/** A file name from a URL that is not one of the model's files. */
export const unknownModelFile = (file: string) =>
  badInput(`No model file '${file.slice(0, 40)}': a stored model has model.json, weights.bin and metadata.json.`);
