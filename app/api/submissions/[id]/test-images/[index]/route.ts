import { route } from "@/lib/server/route";
import { getTestImagePng } from "@/lib/server/services/gallery";

// One 28×28 test image as a PNG, for a viewer who may see it in this submission's gallery.
export const GET = route<{ id: string; index: string }>(async ({ viewer, params }) => {
  const png = await getTestImagePng(viewer, params.id, params.index);
  return new Response(new Uint8Array(png), {
    headers: { "content-type": "image/png", "cache-control": "private, max-age=86400" },
  });
});
