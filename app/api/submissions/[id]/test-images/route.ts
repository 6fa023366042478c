import { route } from "@/lib/server/route";
import { sampleTestImages } from "@/lib/server/services/gallery";

// GET /api/submissions/[id]/test-images?count=8 → {images: [{index, label}], scope}: random test
// images this viewer may see (the public half for students), for trying the stored model on.
// Their pixels come from ./[index] (the PNG route). A fresh draw every time: never cached.
export const GET = route<{ id: string }>(async ({ request, viewer, params }) => {
  const count = request.nextUrl.searchParams.get("count") ?? undefined;
  return Response.json(await sampleTestImages(viewer, params.id, count), { headers: { "cache-control": "no-store" } });
});
