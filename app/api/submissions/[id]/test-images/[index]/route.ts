import type { NextRequest } from "next/server";
import { AppError, HTTP_STATUS } from "@/lib/server/errors";
import { viewerFromRequest } from "@/lib/server/request-viewer";
import { getTestImagePng } from "@/lib/server/services/gallery";

// One 28×28 test image as a PNG, for a viewer who may see it in this submission's gallery.
export async function GET(
  request: NextRequest,
  { params }: { params: Promise<{ id: string; index: string }> },
): Promise<Response> {
  const { id, index } = await params;
  try {
    const png = await getTestImagePng(await viewerFromRequest(request), id, index);
    return new Response(new Uint8Array(png), {
      headers: { "content-type": "image/png", "cache-control": "private, max-age=86400" },
    });
  } catch (error) {
    if (error instanceof AppError)
      return Response.json(
        { error: { code: error.code, message: error.message } },
        { status: HTTP_STATUS[error.code] },
      );
    throw error;
  }
}
