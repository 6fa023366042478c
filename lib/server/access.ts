import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { Role } from "@/generated/prisma/enums";
import { accessCache } from "./access-cache";
import { db } from "./db";
import { badInput, forbidden, notFound, unauthenticated } from "./errors";
import type { SignedInViewer, Viewer } from "./viewer";

const hasNul = (text: string) => text.includes("\u0000");

// The one place that decides who may do what in a class. Every service that touches
// class data calls `requireClassAccess` first; nothing else reads memberships for access.

const RANK: Record<Role, number> = { STUDENT: 0, GRADER: 1, OWNER: 2 };

export type Intent = "read" | "write";

export function requireSignedIn(viewer: Viewer, intent: Intent = "read"): SignedInViewer {
  if (viewer.kind === "anonymous") throw unauthenticated();
  if (intent === "write" && viewer.via === "token" && !viewer.scopes.includes("WRITE")) {
    throw forbidden("This API token is read-only.");
  }
  return viewer;
}

/**
 * Acting outside any one class (creating or joining a class): a token limited to a class may
 * not, or it could reach beyond its class. `classId` is the class the action lands in, if known.
 */
export function requireUnscopedReach(viewer: Viewer, intent: Intent, classId: string | null = null): SignedInViewer {
  const signedIn = requireSignedIn(viewer, intent);
  if (signedIn.via === "token" && signedIn.classId !== null && signedIn.classId !== classId) {
    throw forbidden("This API token is limited to another class.");
  }
  return signedIn;
}

export interface ClassAccess {
  viewer: SignedInViewer;
  classId: string;
  role: Role;
  isGrader: boolean;
  /** What this member may see of results in the class. */
  can: Visibility;
  /** The class's leaderboard version (see prisma/schema.prisma): what caches of the board are keyed by. */
  boardVersion: number;
  /** How many submissions a student may mark final (the private board's rule, stated on the board). */
  finalSelectionsMax: number;
}

interface ClassAccessRow {
  id: string;
  privateRevealed: boolean;
  showArchitectures: boolean;
  shareModels: boolean;
  boardVersion: number;
  finalSelectionsMax: number;
  role: Role | null;
}

const classAccessRows = accessCache<ClassAccessRow>("class-access");

export async function requireClassAccess(
  viewer: Viewer,
  classRef: { slug: string } | { id: string },
  options: { minRole?: Role; intent?: Intent } = {},
): Promise<ClassAccess> {
  const signedIn = requireSignedIn(viewer, options.intent);
  // A slug or id from a URL may hold anything; PostgreSQL refuses a NUL in text, and no class has one.
  if (hasNul("slug" in classRef ? classRef.slug : classRef.id)) throw notFound("The class");
  // One statement: the class, its visibility switches and the caller's membership. (Prisma's
  // nested select would send two, and this runs on every class-scoped request.) The web server
  // keeps these rows in memory until a change to any of them is announced (access-cache.ts).
  const key = "slug" in classRef ? `slug|${classRef.slug}|${signedIn.userId}` : `id|${classRef.id}|${signedIn.userId}`;
  const klass = await classAccessRows.read(key, async () => {
    const [row] = await db.$queryRaw<ClassAccessRow[]>`
      SELECT c.id, c."privateRevealed", c."showArchitectures", c."shareModels", c."boardVersion", c."finalSelectionsMax",
        m.role::text AS role
      FROM "Class" c
      LEFT JOIN "Membership" m ON m."classId" = c.id AND m."userId" = ${signedIn.userId}
      WHERE ${"slug" in classRef ? Prisma.sql`c.slug = ${classRef.slug}` : Prisma.sql`c.id = ${classRef.id}`}`;
    return row ?? null;
  });
  if (!klass) throw notFound("The class");
  if (signedIn.via === "token" && signedIn.classId !== null && signedIn.classId !== klass.id) {
    throw forbidden("This API token is limited to another class.");
  }
  const role = klass.role;
  if (!role) throw forbidden("You are not a member of this class.");
  const minRole = options.minRole ?? "STUDENT";
  if (RANK[role] < RANK[minRole]) {
    throw forbidden(minRole === "OWNER" ? "Only the class owner can do this." : "Only graders can do this.");
  }
  const isGrader = RANK[role] >= RANK.GRADER;
  return {
    viewer: signedIn,
    classId: klass.id,
    role,
    isGrader,
    can: visibility({ isGrader }, klass),
    boardVersion: klass.boardVersion,
    finalSelectionsMax: klass.finalSelectionsMax,
  };
}

/**
 * Platform status that is not any one class's data (the trainer workers, shared by every class):
 * graders and owners of any class may see it, students may not. A token limited to a class
 * counts only its own class's role. One statement.
 */
export async function requireGraderOfAnyClass(
  viewer: Viewer,
): Promise<{ viewer: SignedInViewer; gradedClassIds: Set<string> }> {
  const signedIn = requireSignedIn(viewer, "read");
  const classId = signedIn.via === "token" ? signedIn.classId : null;
  const rows = await db.$queryRaw<{ classId: string }[]>`
    SELECT "classId" FROM "Membership"
    WHERE "userId" = ${signedIn.userId} AND role IN ('GRADER', 'OWNER')
      ${classId ? Prisma.sql`AND "classId" = ${classId}` : Prisma.empty}`;
  if (rows.length === 0) throw forbidden("Only graders can see the trainer workers.");
  return { viewer: signedIn, gradedClassIds: new Set(rows.map((r) => r.classId)) };
}

/**
 * One's own notices (runs that finished or failed): every signed-in person has theirs. A token
 * limited to a class reaches only that class's, as it reaches nothing else outside it; a removed
 * member no longer hears of the class's runs (its pages are closed to them).
 */
export function requireOwnNotices(
  viewer: Viewer,
  intent: Intent,
): { viewer: SignedInViewer; userId: string; classId: string | null } {
  const signedIn = requireSignedIn(viewer, intent);
  return { viewer: signedIn, userId: signedIn.userId, classId: signedIn.via === "token" ? signedIn.classId : null };
}

/** Token management needs a signed-in person: a token must not mint or revoke tokens (no escalation). */
/**
 * What only a person signed in on the website may do (tokens, sessions, the password): a token
 * must not mint tokens or change the credentials it was made under. `what` completes the refusal.
 */
export function requireSession(
  viewer: Viewer,
  what = "manage API tokens",
): Extract<SignedInViewer, { via: "session" }> {
  const signedIn = requireSignedIn(viewer, "write");
  if (signedIn.via !== "session") throw forbidden(`API tokens cannot ${what}; sign in on the website.`);
  return signedIn;
}

export interface SubmissionAccess extends ClassAccess {
  submissionId: string;
  authorId: string;
  isAuthor: boolean;
}

/**
 * Access to one submission: its class's access check, then "author or grader" (the default) or
 * "grader" only. Others' submissions are never opened by students; they see leaderboard rows.
 */
export async function requireSubmissionAccess(
  viewer: Viewer,
  submissionId: string,
  options: { intent?: Intent; who?: "author-or-grader" | "grader" | "model-user" } = {},
): Promise<SubmissionAccess> {
  requireSignedIn(viewer, options.intent);
  if (hasNul(submissionId)) throw notFound("The submission");
  const row = await db.submission.findUnique({
    where: { id: submissionId },
    select: { classId: true, authorId: true },
  });
  if (!row) throw notFound("The submission");
  const access = await requireClassAccess(viewer, { id: row.classId }, { intent: options.intent });
  const isAuthor = row.authorId === access.viewer.userId;
  // Another student's trained model: only while a grader shares the class's models.
  if (options.who === "model-user" && !access.isGrader && !isAuthor && !access.can.models) {
    throw forbidden("This trained model is its author's: the class does not share trained models.");
  }
  if (options.who !== "model-user" && !access.isGrader && (options.who === "grader" || !isAuthor)) {
    throw forbidden(options.who === "grader" ? "Only graders can do this." : "You can only open your own submissions.");
  }
  return { ...access, submissionId, authorId: row.authorId, isAuthor };
}

export interface Visibility {
  /** Private-half accuracy and full-test-set aggregates (confusion matrix, per-class metrics). */
  privateScores: boolean;
  /**
   * Per-image results (which test images fell in which cell, and the images) of the private half:
   * graders only, even after the reveal, because a per-image list amounts to its labels.
   */
  privateImages: boolean;
  /** Other students' architectures on the leaderboard. */
  architectures: boolean;
  /** Other students' trained models (download, try it): graders, or everyone while the class shares them. */
  models: boolean;
  /**
   * Whose run is whose in class analytics (names beside points, submission names): graders, or
   * everyone while the class shows architectures. Otherwise classmates are stable pseudonyms.
   */
  names: boolean;
}

/**
 * Every switch of what the viewer may see, by name, as a cache key: answers cached per visibility
 * (the leaderboard's) are split by a switch added to Visibility too.
 */
export function visibilityKey(can: Visibility): string {
  return Object.entries(can)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, allowed]) => `${name}=${allowed}`)
    .join(",");
}

/** What a member may see of results in a class, given its grader-controlled switches. */
export function visibility(
  access: Pick<ClassAccess, "isGrader">,
  klass: { privateRevealed: boolean; showArchitectures: boolean; shareModels: boolean },
): Visibility {
  return {
    privateScores: access.isGrader || klass.privateRevealed,
    privateImages: access.isGrader,
    architectures: access.isGrader || klass.showArchitectures,
    models: access.isGrader || klass.shareModels,
    // A class that shows whose architecture is whose has nothing left to hide in the analytics.
    names: access.isGrader || klass.showArchitectures,
  };
}

/** What the viewer may do in a class, for pages to show or hide controls; the services check again. */
export interface ClassCapabilities extends Visibility {
  /**
   * Settings, the roster (and who was removed), every submission, re-scoring, the private reveal,
   * and the join code (rotating it, its expiry): graders and owners. Graders hand the code out, so
   * they can stop a leaked one at once.
   */
  manage: boolean;
  /** Roles, removals and re-admissions (a re-admission undoes a removal): owners. */
  manageMembers: boolean;
  /** Every member's submissions, not only one's own. */
  seeAllSubmissions: boolean;
  /** Submitting without the daily quota or the deadline. */
  submitWithoutQuota: boolean;
}

export function classCapabilities(access: Pick<ClassAccess, "role" | "isGrader" | "can">): ClassCapabilities {
  return {
    ...access.can,
    manage: access.isGrader,
    manageMembers: access.role === "OWNER",
    seeAllSubmissions: access.isGrader,
    submitWithoutQuota: access.isGrader,
  };
}

/** What `joinClass` found, under its lock, about the person joining and the class's code. */
export interface JoinState {
  className: string;
  joinCodeExpiresAt: Date | null;
  isMember: boolean;
  /** Set while an owner's removal stands. */
  removedAt: Date | null;
}

/**
 * Whether a person may join a class by its code. A member is already in (joining again grants
 * nothing, so neither an expired code nor anything else refuses them); a removed member stays out
 * until an owner re-admits them; an expired code admits nobody new. The removal is checked first:
 * a new code would not help a removed member, so telling them to ask for one would mislead.
 */
export function requireMayJoin(state: JoinState, now: Date = new Date()): "already-member" | "admit" {
  if (state.isMember) return "already-member";
  if (state.removedAt) {
    throw forbidden(
      `You were removed from “${state.className}”, so its join code no longer admits you. Ask the instructor to re-admit you.`,
    );
  }
  if (state.joinCodeExpiresAt && now >= state.joinCodeExpiresAt) {
    const message = "This join code has expired. Ask your instructor for a new one.";
    throw badInput(message, [{ path: "code", message }]);
  }
  return "admit";
}

/** What the viewer may do with one submission they can open. */
export interface SubmissionCapabilities {
  /** Stop it while queued or running: its author or a grader. */
  cancel: boolean;
  /** Train it again from scratch once finished: graders. */
  retrain: boolean;
  /** Score its stored model on the test set again, without training: graders. */
  reevaluate: boolean;
  /** Download its trained model and try it: its author, graders, everyone while the class shares models. */
  useModel: boolean;
  /** Its private-half and full-test-set numbers. */
  privateScores: boolean;
  /**
   * Mark it final or unmark it: its author only (graders see selections, never make them). The
   * service also checks it succeeded, the class's limit and the deadline.
   */
  selectFinal: boolean;
}

export function submissionCapabilities(
  access: Pick<ClassAccess, "viewer" | "isGrader">,
  submission: { authorId: string },
  can: Visibility,
): SubmissionCapabilities {
  return {
    cancel: access.isGrader || submission.authorId === access.viewer.userId,
    retrain: access.isGrader,
    reevaluate: access.isGrader,
    useModel: access.isGrader || submission.authorId === access.viewer.userId || can.models,
    privateScores: can.privateScores,
    selectFinal: submission.authorId === access.viewer.userId,
  };
}

/**
 * Whether a viewer let in as a model user (`who: "model-user"`) may also open the submission
 * itself, and with it its per-image results (the gallery, test images): its author and graders,
 * not the classmates a shared model is open to.
 */
export function opensSubmission(access: Pick<SubmissionAccess, "isGrader" | "isAuthor">): boolean {
  return access.isGrader || access.isAuthor;
}

export interface CompareAccess extends ClassAccess {
  /** The compared submissions' authors, by id. */
  authors: Map<string, string>;
}

/**
 * Comparing submissions side by side (2–4, one class): one's own always; graders any; another
 * student's only while the class shows architectures (comparing shows their layers and training
 * config), and only a succeeded one: that is what the leaderboard shows them. Whether every run
 * has a result is the service's question. One statement for all ids, then the class check.
 */
export async function requireCompareAccess(viewer: Viewer, ids: readonly string[]): Promise<CompareAccess> {
  requireSignedIn(viewer, "read");
  const rows = await db.submission.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, classId: true, authorId: true, status: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing !== undefined) throw notFound("The submission");
  const classIds = new Set(rows.map((r) => r.classId));
  if (classIds.size > 1) {
    const message = "Compare submissions of one class only.";
    throw badInput(`ids: ${message}`, [{ path: "ids", message }]);
  }
  const access = await requireClassAccess(viewer, { id: rows[0]!.classId });
  if (!access.isGrader) {
    for (const row of rows) {
      if (row.authorId === access.viewer.userId) continue;
      if (!access.can.architectures) {
        throw forbidden(
          "You can compare only your own submissions: the class does not show other students' architectures.",
        );
      }
      // Others' runs that did not succeed are on no board, so a student does not learn of them here either.
      if (row.status !== "SUCCEEDED") throw notFound("The submission");
    }
  }
  return { ...access, authors: new Map(rows.map((r) => [r.id, r.authorId])) };
}
