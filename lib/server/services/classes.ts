import "server-only";
import { randomInt } from "node:crypto";
import { z } from "zod";
import type { Role } from "@/generated/prisma/enums";
import {
  type ClassCapabilities,
  classCapabilities,
  requireClassAccess,
  requireMayJoin,
  requireSignedIn,
  requireUnscopedReach,
} from "../access";
import { db } from "../db";
import { badInput } from "../errors";
import { parseInput } from "../input";
import type { Viewer } from "../viewer";
import { lockMembership } from "./membership-lock";
import { isUniqueViolation } from "./users";

// Join codes avoid look-alike characters (0/O, 1/I/L) because people read them aloud in class.
const JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const JOIN_CODE_LENGTH = 8;

export function newJoinCode(): string {
  let code = "";
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_ALPHABET[randomInt(JOIN_ALPHABET.length)];
  return code;
}

function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/g, "");
  return slug || "class";
}

const createClassSchema = z.object({
  name: z.string().trim().min(2, "Give the class a name of at least 2 characters.").max(100),
});

const joinCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .transform((code) => code.replace(/[\s-]/g, ""))
  .pipe(z.string().regex(/^[A-Z0-9]{8}$/, "A join code has 8 letters and digits."));

export interface ClassSummary {
  id: string;
  name: string;
  slug: string;
  role: Role;
  memberCount: number;
  createdAt: Date;
}

export interface ClassDetail extends ClassSummary {
  /** Only graders and owners see the join code. */
  joinCode: string | null;
  /** When the join code stops admitting new members (graders and owners; null otherwise or never). */
  joinCodeExpiresAt: Date | null;
  dailyQuota: number;
  /** How many succeeded submissions a student may mark final (the private board's rule). */
  finalSelectionsMax: number;
  deadline: Date | null;
  privateRevealed: boolean;
  /** Whether students see other students' architectures on the leaderboard. */
  showArchitectures: boolean;
  /** Whether students may download and try other students' trained models. */
  shareModels: boolean;
  /** What the viewer may do here (pages show controls from this; services check again). */
  viewerCan: ClassCapabilities;
}

export async function createClass(viewer: Viewer, input: unknown): Promise<ClassDetail> {
  const user = requireUnscopedReach(viewer, "write");
  const { name } = parseInput(createClassSchema, input);
  const base = slugify(name);
  // A readable slug when it's free, else a short random suffix; retry the rare collisions.
  for (let attempt = 0; attempt < 6; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${randomSuffix()}`;
    try {
      const created = await db.class.create({
        data: {
          name,
          slug,
          joinCode: newJoinCode(),
          memberships: { create: { userId: user.userId, role: "OWNER" } },
        },
        select: { slug: true },
      });
      return getClass(viewer, created.slug);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error("Could not allocate a unique class slug after 6 attempts.");
}

function randomSuffix(): string {
  return randomInt(36 ** 4)
    .toString(36)
    .padStart(4, "0");
}

export async function listMyClasses(viewer: Viewer): Promise<ClassSummary[]> {
  const user = requireSignedIn(viewer);
  const memberships = await db.membership.findMany({
    where: {
      userId: user.userId,
      ...(user.via === "token" && user.classId ? { classId: user.classId } : {}),
    },
    orderBy: { class: { createdAt: "desc" } },
    select: {
      role: true,
      class: {
        select: { id: true, name: true, slug: true, createdAt: true, _count: { select: { memberships: true } } },
      },
    },
  });
  return memberships.map(({ role, class: c }) => ({
    id: c.id,
    name: c.name,
    slug: c.slug,
    createdAt: c.createdAt,
    role,
    memberCount: c._count.memberships,
  }));
}

export async function getClass(viewer: Viewer, slug: string): Promise<ClassDetail> {
  const access = await requireClassAccess(viewer, { slug });
  const c = await db.class.findUniqueOrThrow({
    where: { id: access.classId },
    select: {
      id: true,
      name: true,
      slug: true,
      createdAt: true,
      joinCode: true,
      joinCodeExpiresAt: true,
      dailyQuota: true,
      finalSelectionsMax: true,
      deadline: true,
      privateRevealed: true,
      showArchitectures: true,
      shareModels: true,
      _count: { select: { memberships: true } },
    },
  });
  return {
    id: c.id,
    name: c.name,
    slug: c.slug,
    createdAt: c.createdAt,
    role: access.role,
    memberCount: c._count.memberships,
    joinCode: access.isGrader ? c.joinCode : null,
    joinCodeExpiresAt: access.isGrader ? c.joinCodeExpiresAt : null,
    dailyQuota: c.dailyQuota,
    finalSelectionsMax: c.finalSelectionsMax,
    deadline: c.deadline,
    privateRevealed: c.privateRevealed,
    showArchitectures: c.showArchitectures,
    shareModels: c.shareModels,
    viewerCan: classCapabilities(access),
  };
}

/**
 * Joins a class as a student by its code. The class row is read with FOR KEY SHARE, so a rotation
 * committing meanwhile leaves the old code finding nothing, and the membership is decided under
 * the member lock that removals and re-admissions take too (`requireMayJoin` decides).
 */
export async function joinClass(viewer: Viewer, codeInput: unknown): Promise<ClassDetail> {
  const user = requireSignedIn(viewer, "write");
  const code = parseInput(joinCodeSchema, codeInput);
  const slug = await db.$transaction(async (tx) => {
    const [klass] = await tx.$queryRaw<{ id: string; slug: string; name: string; joinCodeExpiresAt: Date | null }[]>`
      SELECT id, slug, name, "joinCodeExpiresAt" FROM "Class" WHERE "joinCode" = ${code} FOR KEY SHARE`;
    if (!klass) {
      throw badInput("No class has this join code. Check it with your instructor.", [
        { path: "code", message: "No class has this join code." },
      ]);
    }
    requireUnscopedReach(viewer, "write", klass.id);
    await lockMembership(tx, klass.id, user.userId);
    const where = { userId_classId: { userId: user.userId, classId: klass.id } };
    const member = await tx.membership.findUnique({ where, select: { role: true } });
    const removal = member ? null : await tx.memberRemoval.findUnique({ where, select: { removedAt: true } });
    const decision = requireMayJoin({
      className: klass.name,
      joinCodeExpiresAt: klass.joinCodeExpiresAt,
      isMember: member !== null,
      removedAt: removal?.removedAt ?? null,
    });
    // Joining twice is harmless, and must never demote a grader to student.
    if (decision === "admit") {
      await tx.membership.create({
        data: { userId: user.userId, classId: klass.id, role: "STUDENT" },
        select: { role: true },
      });
    }
    return klass.slug;
  });
  return getClass(viewer, slug);
}
