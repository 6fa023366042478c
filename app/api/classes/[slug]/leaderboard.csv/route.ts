import type { NextRequest } from "next/server";
import { csvResponse } from "@/lib/server/csv-response";
import { viewerFromRequest } from "@/lib/server/request-viewer";
import { leaderboardCsv } from "@/lib/server/services/grading";

// GET /api/classes/<slug>/leaderboard.csv[?mode=ALL&rankBy=PRIVATE] — cookie or Bearer token.
export async function GET(request: NextRequest, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await params;
  const query = request.nextUrl.searchParams;
  return csvResponse(`${slug}-leaderboard.csv`, async () =>
    leaderboardCsv(await viewerFromRequest(request), {
      classSlug: slug,
      mode: query.get("mode") ?? undefined,
      rankBy: query.get("rankBy") ?? undefined,
    }),
  );
}
