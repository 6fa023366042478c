import { route } from "@/lib/server/route";
import { getCellImages } from "@/lib/server/services/gallery";

// GET ?true=6&predicted=0 → the test images of one confusion-matrix cell (see services/gallery.ts).
export const GET = route<{ id: string }>(async ({ request, viewer, params }) => {
  const q = request.nextUrl.searchParams;
  return Response.json(await getCellImages(viewer, params.id, q.get("true"), q.get("predicted")));
});
