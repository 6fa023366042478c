import { route } from "@/lib/server/route";
import { getBoardJson } from "@/lib/server/services/board";
import { storedBodyResponse } from "@/lib/server/stored-body";

// GET ?mode=best|all|private → the class leaderboard as JSON; the class page polls it while jobs run.
export const GET = route<{ slug: string }>(async ({ request, viewer, params }) => {
  const asked = request.nextUrl.searchParams.get("mode");
  const mode = asked === "all" || asked === "private" ? asked : "best";
  return storedBodyResponse(await getBoardJson(viewer, params.slug, mode), { "content-type": "application/json" });
});
