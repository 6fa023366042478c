import { route } from "@/lib/server/route";
import { getBoard } from "@/lib/server/services/board";

// GET ?mode=best|all → the class leaderboard as JSON; the class page polls it while jobs run.
export const GET = route<{ slug: string }>(async ({ request, viewer, params }) => {
  const mode = request.nextUrl.searchParams.get("mode") === "all" ? "all" : "best";
  return Response.json(await getBoard(viewer, params.slug, mode));
});
