import "server-only";
import { requireClassAccess } from "../access";
import type { Viewer } from "../viewer";
import { getLeaderboard, type LeaderboardRow } from "./leaderboard";

// The leaderboard as the class page shows it: best per student or every succeeded submission
// (both from services/leaderboard.ts), serialisable for the client, with the private column only
// for graders or after the reveal.

export type BoardMode = "best" | "all";

export interface BoardView {
  mode: BoardMode;
  showPrivate: boolean;
  rows: (Omit<LeaderboardRow, "submittedAt" | "architecture"> & { submittedAt: string })[];
}

export async function getBoard(viewer: Viewer, classSlug: string, mode: BoardMode): Promise<BoardView> {
  const access = await requireClassAccess(viewer, { slug: classSlug });
  const showPrivate = access.can.privateScores;
  const rows = await getLeaderboard(viewer, classSlug, { mode: mode === "all" ? "ALL" : "BEST" });
  return {
    mode,
    showPrivate,
    rows: rows.map(({ architecture: _architecture, ...r }) => ({
      ...r,
      privateAccuracy: showPrivate ? r.privateAccuracy : null,
      submittedAt: r.submittedAt.toISOString(),
    })),
  };
}
