import type { NextRequest } from "next/server";
import { AppError, HTTP_STATUS } from "@/lib/server/errors";
import { viewerFromRequest } from "@/lib/server/request-viewer";
import { getCellImages } from "@/lib/server/services/gallery";

// GET ?true=6&predicted=0 → the test images of one confusion-matrix cell (see services/gallery.ts).
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const q = request.nextUrl.searchParams;
  try {
    const cell = await getCellImages(await viewerFromRequest(request), id, q.get("true"), q.get("predicted"));
    return Response.json(cell, { headers: { "cache-control": "private, no-store" } });
  } catch (error) {
    if (error instanceof AppError)
      return Response.json(
        { error: { code: error.code, message: error.message } },
        { status: HTTP_STATUS[error.code] },
      );
    throw error;
  }
}
