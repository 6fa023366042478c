import "server-only";
import type { Viewer } from "../viewer";
import { type LeaderboardRow, readLeaderboard } from "./leaderboard";

// The leaderboard as the class page shows it: best per student or every succeeded submission
// (both from services/leaderboard.ts), serialisable for the client, with the private column only
// for graders or after the reveal.

export type BoardMode = "best" | "all";

export interface BoardView {
  mode: BoardMode;
  showPrivate: boolean;
  rows: (Omit<LeaderboardRow, "submittedAt" | "architecture" | "model"> & {
    submittedAt: string;
    /** Its trained model is stored and the viewer may try it (others' only while the class shares models). */
    hasModel: boolean;
  })[];
}

export async function getBoard(viewer: Viewer, classSlug: string, mode: BoardMode): Promise<BoardView> {
  // One access check: readLeaderboard's own, whose result also says what the viewer may see.
  const { access, rows } = await readLeaderboard(viewer, classSlug, {
    mode: mode === "all" ? "ALL" : "BEST",
    includeModel: true,
  });
  const showPrivate = access.can.privateScores;
  return {
    mode,
    showPrivate,
    rows: rows.map(({ architecture: _architecture, model, ...r }) => ({
      ...r,
      hasModel: model !== null,
      privateAccuracy: showPrivate ? r.privateAccuracy : null,
      submittedAt: r.submittedAt.toISOString(),
    })),
  };
}
