import type { Role } from "@/generated/prisma/enums";
import { db } from "./db";
import { forbidden, notFound, unauthenticated } from "./errors";
import type { SignedInViewer, Viewer } from "./viewer";

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

export interface ClassAccess {
  viewer: SignedInViewer;
  classId: string;
  role: Role;
  isGrader: boolean;
}

export async function requireClassAccess(
  viewer: Viewer,
  classRef: { slug: string } | { id: string },
  options: { minRole?: Role; intent?: Intent } = {},
): Promise<ClassAccess> {
  const signedIn = requireSignedIn(viewer, options.intent);
  const klass = await db.class.findUnique({
    where: "slug" in classRef ? { slug: classRef.slug } : { id: classRef.id },
    select: { id: true, memberships: { where: { userId: signedIn.userId }, select: { role: true } } },
  });
  if (!klass) throw notFound("The class");
  if (signedIn.via === "token" && signedIn.classId !== null && signedIn.classId !== klass.id) {
    throw forbidden("This API token is limited to another class.");
  }
  const role = klass.memberships[0]?.role;
  if (!role) throw forbidden("You are not a member of this class.");
  const minRole = options.minRole ?? "STUDENT";
  if (RANK[role] < RANK[minRole]) {
    throw forbidden(minRole === "OWNER" ? "Only the class owner can do this." : "Only graders can do this.");
  }
  return { viewer: signedIn, classId: klass.id, role, isGrader: RANK[role] >= RANK.GRADER };
}
