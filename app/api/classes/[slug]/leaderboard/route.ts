import { route } from "@/lib/server/route";
import { getBoard } from "@/lib/server/services/board";

// GET ?mode=best|all|private → the class leaderboard as JSON; the class page polls it while jobs run.
export const GET = route<{ slug: string }>(async ({ request, viewer, params }) => {
  const asked = request.nextUrl.searchParams.get("mode");
  const mode = asked === "all" || asked === "private" ? asked : "best";
  return Response.json(await getBoard(viewer, params.slug, mode));
});
