import { csvResponse, route } from "@/lib/server/route";
import { leaderboardCsv } from "@/lib/server/services/grading/csv";

// GET /api/classes/<slug>/leaderboard.csv[?mode=ALL&rankBy=PRIVATE] — cookie or Bearer token.
export const GET = route<{ slug: string }>(async ({ request, viewer, params }) => {
  const query = request.nextUrl.searchParams;
  const csv = await leaderboardCsv(viewer, {
    classSlug: params.slug,
    mode: query.get("mode") ?? undefined,
    rankBy: query.get("rankBy") ?? undefined,
  });
  return csvResponse(`${params.slug}-leaderboard.csv`, csv);
});
