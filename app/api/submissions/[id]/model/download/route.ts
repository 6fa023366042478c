import { route } from "@/lib/server/route";
import { downloadModel } from "@/lib/server/services/models/download-model";

// GET /api/submissions/<id>/model/download?format=tfjs|keras|onnx: the trained model as a file
// (cookie or Bearer token), for its author, graders, and classmates while the class shares models.
export const GET = route<{ id: string }>(async ({ viewer, params, request }) => {
  const download = await downloadModel(viewer, params.id, { format: request.nextUrl.searchParams.get("format") ?? "" });
  return new Response(new Uint8Array(download.bytes), {
    headers: {
      "content-type": download.contentType,
      "content-disposition": `attachment; filename="${download.filename}"`,
      etag: download.etag,
      "cache-control": "private, no-cache",
    },
  });
});
