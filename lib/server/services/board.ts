import "server-only";
import { LRUCache } from "lru-cache";
import { type ClassAccess, requireClassAccess, visibilityKey } from "../access";
import { AppError } from "../errors";
import type { Viewer } from "../viewer";
import { type LeaderboardRow, leaderboardCacheEnabled, readLeaderboard } from "./leaderboard";

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
  return (await readBoard(viewer, classSlug, asked)).view;
}

async function readBoard(
  viewer: Viewer,
  classSlug: string,
  asked: BoardMode,
): Promise<{ access: ClassAccess; view: BoardView }> {
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
  const view: BoardView = {
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
  return { access, view };
}

// The board as JSON, per (class, board version, mode asked, what the viewer may see): nothing in
// a view depends on who asks beyond those (no "you" marker: the page marks its own rows). The
// class page polls this every few seconds from every open tab; mapping and serialising 200 rows
// cost more than the rest of a poll. Exact like the row cache under it: the version moves in the
// transaction of any change to the board. A body is stored under the access its view was read
// with, never the one looked up with (a role change or reveal in between cannot file it under
// the wrong visibility).
const bodies = new LRUCache<string, Uint8Array>({
  max: 512,
  maxSize: 64 * 1024 * 1024,
  sizeCalculation: (body) => body.byteLength,
});

const bodyKey = (access: ClassAccess, asked: BoardMode) =>
  `${access.classId}|${access.boardVersion}|${asked}|${visibilityKey(access.can)}`;

/** getBoard's view as the JSON the class page polls, UTF-8 encoded (kept as it is sent). */
export async function getBoardJson(viewer: Viewer, classSlug: string, asked: BoardMode): Promise<Uint8Array> {
  if (!leaderboardCacheEnabled())
    return new TextEncoder().encode(JSON.stringify(await getBoard(viewer, classSlug, asked)));
  const hit = bodies.get(bodyKey(await requireClassAccess(viewer, { slug: classSlug }), asked));
  if (hit !== undefined) return hit;
  const { access, view } = await readBoard(viewer, classSlug, asked);
  const body = new TextEncoder().encode(JSON.stringify(view));
  bodies.set(bodyKey(access, asked), body);
  return body;
}
