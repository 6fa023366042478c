import type { NextRequest } from "next/server";
import { AppError, HTTP_STATUS } from "@/lib/server/errors";
import { viewerFromRequest } from "@/lib/server/request-viewer";
import { getBoard } from "@/lib/server/services/board";

// GET ?mode=best|all → the class leaderboard as JSON; the class page polls it while jobs run.
export async function GET(request: NextRequest, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await params;
  const mode = request.nextUrl.searchParams.get("mode") === "all" ? "all" : "best";
  try {
    return Response.json(await getBoard(await viewerFromRequest(request), slug, mode), {
      headers: { "cache-control": "private, no-store" },
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
