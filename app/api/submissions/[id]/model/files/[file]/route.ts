import { route } from "@/lib/server/route";
import { getModelFile } from "@/lib/server/services/models/model-file";

// GET /api/submissions/<id>/model/files/{model.json,weights.bin,metadata.json}: the stored
// trained model as stock tfjs files, for in-browser inference (tf.loadLayersModel).
export const GET = route<{ id: string; file: string }>(async ({ viewer, params }) => {
  const file = await getModelFile(viewer, params.id, params.file);
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "content-type": file.contentType,
      etag: file.etag,
      // Private (it depends on who asks) and revalidated: a retrain replaces the model.
      "cache-control": "private, no-cache",
    },
  });
});
