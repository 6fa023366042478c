import { requireClassAccess } from "../access";
import { db } from "../db";
import type { Viewer } from "../viewer";
import { getLeaderboard, type LeaderboardRow } from "./leaderboard";

// The leaderboard as the class page shows it: best per student (services/leaderboard.ts) or every
// succeeded submission, with the private column only for graders or after the reveal.

export type BoardMode = "best" | "all";

export interface BoardView {
  mode: BoardMode;
  showPrivate: boolean;
  rows: (Omit<LeaderboardRow, "submittedAt"> & { submittedAt: string })[];
}

export async function getBoard(viewer: Viewer, classSlug: string, mode: BoardMode): Promise<BoardView> {
  const access = await requireClassAccess(viewer, { slug: classSlug });
  const klass = await db.class.findUniqueOrThrow({ where: { id: access.classId }, select: { privateRevealed: true } });
  const showPrivate = access.isGrader || klass.privateRevealed;
  let rows: LeaderboardRow[];
  if (mode === "best") {
    rows = await getLeaderboard(viewer, classSlug);
  } else {
    const found = await db.submission.findMany({
      where: { classId: access.classId, status: "SUCCEEDED", result: { isNot: null } },
      select: {
        id: true,
        name: true,
        createdAt: true,
        author: { select: { id: true, name: true } },
        result: { select: { publicAccuracy: true, privateAccuracy: true, testAccuracy: true, paramCount: true, epochs: true, trainDurationMs: true } },
      },
      take: 1000,
    });
    rows = found
      .map((s) => ({
        rank: 0,
        submissionId: s.id,
        submissionName: s.name,
        student: s.author,
        publicAccuracy: s.result!.publicAccuracy ?? s.result!.testAccuracy,
        privateAccuracy: s.result!.privateAccuracy,
        paramCount: s.result!.paramCount,
        epochs: s.result!.epochs,
        trainDurationMs: s.result!.trainDurationMs,
        submittedAt: s.createdAt,
      }))
      .sort((a, b) => b.publicAccuracy - a.publicAccuracy || a.submittedAt.getTime() - b.submittedAt.getTime())
      .map((r, i) => ({ ...r, rank: i + 1 }));
  }
  return {
    mode,
    showPrivate,
    rows: rows.map((r) => ({ ...r, privateAccuracy: showPrivate ? r.privateAccuracy : null, submittedAt: r.submittedAt.toISOString() })),
  };
}
