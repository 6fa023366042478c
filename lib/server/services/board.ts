import "server-only";
import { AppError } from "../errors";
import type { Viewer } from "../viewer";
import { type LeaderboardRow, readLeaderboard } from "./leaderboard";

// The leaderboard as the class page shows it: best per student or every succeeded submission
// (both from services/leaderboard.ts), serialisable for the client, with the private column only
// for graders or after the reveal. "private" is the private board under Kaggle's rule: each
// student's best final selection by private accuracy, or their best overall when none is marked.

export type BoardMode = "best" | "all" | "private";

export interface BoardView {
  mode: BoardMode;
  showPrivate: boolean;
  /** How many submissions a student may mark final: the private board's rule, stated on the board. */
  finalSelectionsMax: number;
  rows: (Omit<LeaderboardRow, "submittedAt" | "architecture" | "model"> & {
    submittedAt: string;
    /** Its trained model is stored and the viewer may try it (others' only while the class shares models). */
    hasModel: boolean;
  })[];
}

export async function getBoard(viewer: Viewer, classSlug: string, asked: BoardMode): Promise<BoardView> {
  // One access check: readLeaderboard's own, whose result also says what the viewer may see. Who
  // may not see the private board yet gets the public one (the page offers no private tab then).
  const { access, rows } = await readLeaderboard(viewer, classSlug, {
    mode: asked === "all" ? "ALL" : "BEST",
    rankBy: asked === "private" ? "PRIVATE" : "PUBLIC",
    includeModel: true,
  }).catch(async (error: unknown) => {
    if (asked !== "private" || !(error instanceof AppError && error.code === "FORBIDDEN")) throw error;
    return readLeaderboard(viewer, classSlug, { mode: "BEST", includeModel: true });
  });
  const showPrivate = access.can.privateScores;
  return {
    mode: asked === "private" && !showPrivate ? "best" : asked,
    showPrivate,
    finalSelectionsMax: access.finalSelectionsMax,
    rows: rows.map(({ architecture: _architecture, model, ...r }) => ({
      ...r,
      hasModel: model !== null,
      privateAccuracy: showPrivate ? r.privateAccuracy : null,
      submittedAt: r.submittedAt.toISOString(),
    })),
  };
}
