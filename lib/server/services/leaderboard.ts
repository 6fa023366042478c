import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { requireClassAccess } from "../access";
import { db } from "../db";
import { forbidden } from "../errors";
import { parseInput } from "../input";
import type { Viewer } from "../viewer";

export interface LeaderboardRow {
  rank: number;
  submissionId: string;
  submissionName: string;
  student: { id: string; name: string };
  /** Accuracy on the public half of the test set (the whole test set if no split was scored). */
  publicAccuracy: number;
  /** Only for graders, or for everyone once the grader reveals the private board. */
  privateAccuracy: number | null;
  /** Only when asked for, and visible: to graders, or to students when the class shows architectures. */
  architecture: unknown;
  paramCount: number;
  epochs: number;
  trainDurationMs: number;
  submittedAt: Date;
}

export const leaderboardOptionsSchema = z.object({
  /** BEST: each student's best submission; ALL: every succeeded submission. */
  mode: z.enum(["BEST", "ALL"]).default("BEST"),
  /** PRIVATE ranks by the private half; only for those who may see it. */
  rankBy: z.enum(["PUBLIC", "PRIVATE"]).default("PUBLIC"),
  /** Architectures are large: they are read only when a caller wants them. */
  includeArchitecture: z.boolean().default(false),
});

export type LeaderboardOptions = z.input<typeof leaderboardOptionsSchema>;

// A class's board is the same for every member until a job finishes, and a class page polls it:
// rows are shared for a moment (CATWALK_LEADERBOARD_CACHE_MS, default 1 s; 0 turns it off) and
// concurrent requests wait for one query instead of each running it. Only unmasked rows are
// shared; what a viewer may see is decided per request, after the access check.
const shared = new Map<string, { at: number; rows: Promise<Row[]> }>();

function cached(key: string, load: () => Promise<Row[]>): Promise<Row[]> {
  const ttl = Number(process.env.CATWALK_LEADERBOARD_CACHE_MS ?? 1000);
  if (!(ttl > 0)) return load();
  const now = Date.now();
  const hit = shared.get(key);
  if (hit && now - hit.at < ttl) return hit.rows;
  if (shared.size > 500) shared.clear();
  const rows = load();
  shared.set(key, { at: now, rows });
  rows.catch(() => {
    if (shared.get(key)?.rows === rows) shared.delete(key);
  });
  return rows;
}

interface Row {
  submissionId: string;
  submissionName: string;
  authorId: string;
  authorName: string;
  publicAccuracy: number;
  privateAccuracy: number | null;
  architecture: unknown;
  paramCount: number;
  epochs: number;
  trainDurationMs: number;
  submittedAt: Date;
}

/**
 * The class leaderboard, best first (ties: earlier submission wins). Two queries whatever the
 * class size: the access check (which also reads the class's visibility switches), then one
 * statement in which DISTINCT ON picks each student's best row (grouping ids by bytes, COLLATE
 * "C": a locale-aware sort of 4,000 cuids costs more than the rest of the query).
 */
export async function getLeaderboard(viewer: Viewer, classSlug: string, options: unknown = {}): Promise<LeaderboardRow[]> {
  const opts = parseInput(leaderboardOptionsSchema, options ?? {});
  const access = await requireClassAccess(viewer, { slug: classSlug });
  const { can } = access;
  if (opts.rankBy === "PRIVATE" && !can.privateScores) {
    throw forbidden("The private leaderboard has not been revealed yet.");
  }
  const withArch = opts.includeArchitecture && can.architectures;
  const score =
    opts.rankBy === "PRIVATE"
      ? Prisma.sql`COALESCE(r."privateAccuracy", r."testAccuracy")`
      : Prisma.sql`COALESCE(r."publicAccuracy", r."testAccuracy")`;
  const columns = Prisma.sql`
    s.id AS "submissionId", s.name AS "submissionName", s."authorId", u.name AS "authorName",
    COALESCE(r."publicAccuracy", r."testAccuracy") AS "publicAccuracy", r."privateAccuracy",
    ${withArch ? Prisma.sql`s.architecture` : Prisma.sql`NULL::jsonb`} AS architecture,
    r."paramCount", r.epochs, r."trainDurationMs", s."createdAt" AS "submittedAt", ${score} AS score`;
  const from = Prisma.sql`
    FROM "Submission" s
    JOIN "Result" r ON r."submissionId" = s.id
    JOIN "User" u ON u.id = s."authorId"
    WHERE s."classId" = ${access.classId} AND s.status = 'SUCCEEDED'`;
  const load = async (): Promise<Row[]> =>
    opts.mode === "BEST"
      ? db.$queryRaw<Row[]>`
          SELECT * FROM (
            SELECT DISTINCT ON (s."authorId" COLLATE "C") ${columns} ${from}
            ORDER BY s."authorId" COLLATE "C", ${score} DESC, s."createdAt" ASC, s.id ASC
          ) best
          ORDER BY score DESC, "submittedAt" ASC, "submissionId" ASC`
      : db.$queryRaw<Row[]>`
          SELECT ${columns} ${from}
          ORDER BY score DESC, s."createdAt" ASC, s.id ASC`;
  const rows = await cached(`${access.classId}|${opts.mode}|${opts.rankBy}|${withArch}`, load);
  return rows.map((row, index) => ({
    rank: index + 1,
    submissionId: row.submissionId,
    submissionName: row.submissionName,
    student: { id: row.authorId, name: row.authorName },
    publicAccuracy: row.publicAccuracy,
    privateAccuracy: can.privateScores ? row.privateAccuracy : null,
    architecture: withArch ? row.architecture : null,
    paramCount: row.paramCount,
    epochs: row.epochs,
    trainDurationMs: row.trainDurationMs,
    submittedAt: row.submittedAt,
  }));
}
