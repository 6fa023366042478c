import "server-only";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { modelFormats } from "@/lib/model-formats";
import { type ClassAccess, requireClassAccess } from "../access";
import { db } from "../db";
import { serverEnvValue } from "../env";
import { forbidden } from "../errors";
import { parseInput } from "../input";
import type { Viewer } from "../viewer";
import type { ModelView } from "./submissions/view";

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
  /**
   * The stored trained model, only when asked for and the viewer may use others' models (graders,
   * or everyone while the class shares trained models); null otherwise or when none is stored.
   */
  model: ModelView | null;
  paramCount: number;
  epochs: number;
  trainDurationMs: number;
  submittedAt: Date;
  /**
   * Its author marked it final (the private board ranks each student's best final submission, or
   * their best overall when none is marked). Shown with the private scores (graders, or everyone
   * after the reveal), so it depends on nothing but what the board's caches are keyed by.
   */
  isFinal: boolean | null;
  /**
   * The student's best score (on the board's ranking: public half, or private for the private
   * board) among their succeeded submissions made before this one; null for their first. The
   * row's change since that previous best is its score minus this.
   */
  previousBest: number | null;
  /** What the board ranks by: the public accuracy, or the private one on the private board. */
  score: number;
}

export const leaderboardOptionsSchema = z.object({
  /** BEST: each student's best submission; ALL: every succeeded submission. */
  mode: z.enum(["BEST", "ALL"]).default("BEST"),
  /** PRIVATE ranks by the private half; only for those who may see it. */
  rankBy: z.enum(["PUBLIC", "PRIVATE"]).default("PUBLIC"),
  /** Architectures are large: they are read only when a caller wants them. */
  includeArchitecture: z.boolean().default(false),
  /** The same for the trained models' sizes and formats. */
  includeModel: z.boolean().default(false),
});

export type LeaderboardOptions = z.input<typeof leaderboardOptionsSchema>;

// A class's board is the same for every member until something on it changes, and class pages
// poll it: rows are shared, keyed by the class's board version (bumped by database triggers in
// the transaction of every change that can alter the board, whichever process writes it), so a
// cached board is never stale. Concurrent requests wait for one query instead of each running it.
// Only unmasked rows are shared; what a viewer may see is decided per request, after the access
// check. CATWALK_LEADERBOARD_CACHE=0 turns this (and the GraphQL response cache) off.
// Each class holds at most 8 variants (mode × rankBy × architectures); the least recently read
// classes are dropped first.
const boards = new LRUCache<string, { version: number; variants: Map<string, Promise<Row[]>> }>({ max: 64 });

export function leaderboardCacheEnabled(): boolean {
  return serverEnvValue("CATWALK_LEADERBOARD_CACHE");
}

function cached(classId: string, version: number, variant: string, load: () => Promise<Row[]>): Promise<Row[]> {
  if (!leaderboardCacheEnabled()) return load();
  let board = boards.get(classId);
  // Versions only grow: a request that read an older one than is cached raced a change; it
  // gets its own rows and caches nothing.
  if (board && board.version > version) return load();
  if (!board || board.version < version) {
    board = { version, variants: new Map() };
    boards.set(classId, board);
  }
  const hit = board.variants.get(variant);
  if (hit) return hit;
  const rows = load();
  const { variants } = board;
  variants.set(variant, rows);
  rows.catch(() => {
    if (variants.get(variant) === rows) variants.delete(variant);
  });
  return rows;
}

/** A leaderboard row as the query returns it, before ranking and masking. */
type Row = Omit<LeaderboardRow, "rank" | "student" | "model" | "isFinal"> & {
  isFinal: boolean;
  authorId: string;
  authorName: string;
  modelSizeBytes: number | null;
  modelSha256: string | null;
  modelFormats: string[] | null;
};

/**
 * The class leaderboard, best first (ties: earlier submission wins). Two queries whatever the
 * class size: the access check (which also reads the class's visibility switches), then one
 * statement in which DISTINCT ON picks each student's best row (grouping ids by bytes, COLLATE
 * "C": a locale-aware sort of 4,000 cuids costs more than the rest of the query). Ranked by the
 * private half, the best row is the best *final* one where the student marked any (Kaggle's rule,
 * services/submissions/select-final.ts), else their best overall.
 */
export async function getLeaderboard(
  viewer: Viewer,
  classSlug: string,
  options: unknown = {},
): Promise<LeaderboardRow[]> {
  return (await readLeaderboard(viewer, classSlug, options)).rows;
}

/**
 * getLeaderboard, also returning the access it was read under: the board version and what the
 * viewer could see, which is what a cached copy of the answer must be keyed by.
 */
export async function readLeaderboard(
  viewer: Viewer,
  classSlug: string,
  options: unknown = {},
): Promise<{ access: ClassAccess; rows: LeaderboardRow[] }> {
  const opts = parseInput(leaderboardOptionsSchema, options ?? {});
  const access = await requireClassAccess(viewer, { slug: classSlug });
  const { can } = access;
  if (opts.rankBy === "PRIVATE" && !can.privateScores) {
    throw forbidden("The private leaderboard has not been revealed yet.");
  }
  const withArch = opts.includeArchitecture && can.architectures;
  const withModel = opts.includeModel && can.models;
  const score =
    opts.rankBy === "PRIVATE"
      ? Prisma.sql`COALESCE(r."privateAccuracy", r."testAccuracy")`
      : Prisma.sql`COALESCE(r."publicAccuracy", r."testAccuracy")`;
  const columns = Prisma.sql`
    s.id AS "submissionId", s.name AS "submissionName", s."authorId", u.name AS "authorName",
    COALESCE(r."publicAccuracy", r."testAccuracy") AS "publicAccuracy", r."privateAccuracy",
    ${withArch ? Prisma.sql`s.architecture` : Prisma.sql`NULL::jsonb`} AS architecture,
    ${withModel ? Prisma.sql`a."sizeBytes" AS "modelSizeBytes", a.sha256 AS "modelSha256", a.formats AS "modelFormats"` : Prisma.sql`NULL::int AS "modelSizeBytes", NULL::text AS "modelSha256", NULL::text[] AS "modelFormats"`},
    r."paramCount", r.epochs, r."trainDurationMs", s."createdAt" AS "submittedAt",
    s."finalSelectedAt" IS NOT NULL AS "isFinal", ${score} AS score,
    MAX(${score}) OVER (
      PARTITION BY s."authorId" COLLATE "C" ORDER BY s."createdAt", s.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS "previousBest"`;
  const from = Prisma.sql`
    FROM "Submission" s
    JOIN "Result" r ON r."submissionId" = s.id
    JOIN "User" u ON u.id = s."authorId"
    ${withModel ? Prisma.sql`LEFT JOIN "Artifact" a ON a."submissionId" = s.id AND a.kind = 'MODEL'` : Prisma.empty}
    WHERE s."classId" = ${access.classId} AND s.status = 'SUCCEEDED'`;
  // Finals first within each student's rows: DISTINCT ON keeps the first row of each student.
  const finalsFirst = opts.rankBy === "PRIVATE" ? Prisma.sql`(s."finalSelectedAt" IS NOT NULL) DESC,` : Prisma.empty;
  const load = async (): Promise<Row[]> =>
    opts.mode === "BEST"
      ? db.$queryRaw<Row[]>`
          SELECT * FROM (
            SELECT DISTINCT ON (s."authorId" COLLATE "C") ${columns} ${from}
            ORDER BY s."authorId" COLLATE "C", ${finalsFirst} ${score} DESC, s."createdAt" ASC, s.id ASC
          ) best
          ORDER BY score DESC, "submittedAt" ASC, "submissionId" ASC`
      : db.$queryRaw<Row[]>`
          SELECT ${columns} ${from}
          ORDER BY score DESC, s."createdAt" ASC, s.id ASC`;
  // The version was read by the access check, before this statement: the rows are at least as new.
  const rows = await cached(
    access.classId,
    access.boardVersion,
    `${opts.mode}|${opts.rankBy}|${withArch}|${withModel}`,
    load,
  );
  const masked = rows.map((row, index) => ({
    rank: index + 1,
    submissionId: row.submissionId,
    submissionName: row.submissionName,
    student: { id: row.authorId, name: row.authorName },
    publicAccuracy: row.publicAccuracy,
    privateAccuracy: can.privateScores ? row.privateAccuracy : null,
    architecture: withArch ? row.architecture : null,
    model:
      withModel && row.modelSha256 !== null
        ? { sizeBytes: row.modelSizeBytes!, sha256: row.modelSha256, formats: modelFormats(row.modelFormats ?? []) }
        : null,
    paramCount: row.paramCount,
    epochs: row.epochs,
    trainDurationMs: row.trainDurationMs,
    submittedAt: row.submittedAt,
    isFinal: can.privateScores ? row.isFinal : null,
    previousBest: row.previousBest,
    score: row.score,
  }));
  return { access, rows: masked };
}
