import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { TokenScope } from "@/generated/prisma/enums";
import { requireClassAccess, requireSession } from "../access";
import { accessCache, forgetAccess } from "../access-cache";
import { db } from "../db";
import { notFound } from "../errors";
import { parseInput } from "../input";
import type { Viewer } from "../viewer";

// Tokens are "cw_" + 32 random bytes. Only their sha256 is stored: a leaked database
// does not leak usable tokens, and a fast hash is fine because the secret has 256 bits.
const TOKEN_PREFIX = "cw_";

export function hashToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

const createTokenSchema = z.object({
  name: z.string().trim().min(1, "Name the token.").max(100),
  scopes: z.array(z.enum(TokenScope)).min(1, "Pick at least one scope.").default(["READ"]),
  classSlug: z.string().min(1).nullish(),
});

export interface CreatedToken {
  id: string;
  name: string;
  /** The secret, shown exactly once. */
  token: string;
  prefix: string;
  scopes: TokenScope[];
}

export async function createApiToken(viewer: Viewer, input: unknown): Promise<CreatedToken> {
  const user = requireSession(viewer);
  const data = parseInput(createTokenSchema, input);
  const classId = data.classSlug ? (await requireClassAccess(viewer, { slug: data.classSlug })).classId : null;
  const secret = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const prefix = secret.slice(0, 10);
  // READ is implied by WRITE: a token that may write may also read what it writes.
  const scopes: TokenScope[] = data.scopes.includes("WRITE") ? ["READ", "WRITE"] : ["READ"];
  const row = await db.apiToken.create({
    data: { userId: user.userId, classId, name: data.name, tokenHash: hashToken(secret), prefix, scopes },
    select: { id: true, name: true, prefix: true, scopes: true },
  });
  return { ...row, token: secret };
}

interface TokenRow {
  id: string;
  userId: string;
  classId: string | null;
  scopes: TokenScope[];
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

// Keyed by the secret's hash, never the secret. Only live tokens are kept (see access-cache.ts).
const tokenRows = accessCache<TokenRow>("tokens");

/** Resolves a Bearer secret to a viewer, or null when it is unknown or revoked. */
export async function viewerFromToken(secret: string): Promise<Viewer | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
  const tokenHash = hashToken(secret);
  const row = await tokenRows.read(tokenHash, async () => {
    const found = await db.apiToken.findUnique({
      where: { tokenHash },
      select: { id: true, userId: true, classId: true, scopes: true, revokedAt: true, lastUsedAt: true },
    });
    return found && !found.revokedAt ? found : null;
  });
  if (!row) return null;
  // Record use at most once a minute: a script polling every second shouldn't write every time.
  // (The column is left out of the cache's trigger, so this write doesn't empty the cache.)
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    row.lastUsedAt = new Date();
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: row.lastUsedAt }, select: { id: true } });
  }
  return { kind: "user", via: "token", userId: row.userId, tokenId: row.id, scopes: row.scopes, classId: row.classId };
}

export interface TokenSummary {
  id: string;
  name: string;
  /** The first characters of the secret, to tell tokens apart; never the secret. */
  prefix: string;
  scopes: TokenScope[];
  /** The class the token is limited to, or null for all of the owner's classes. */
  classSlug: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const summarySelect = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  class: { select: { slug: true } },
} as const;

function toSummary(row: { class: { slug: string } | null } & Omit<TokenSummary, "classSlug">): TokenSummary {
  const { class: klass, ...rest } = row;
  return { ...rest, classSlug: klass?.slug ?? null };
}

/** The signed-in person's tokens, newest first, revoked ones included (so the history is visible). */
export async function listApiTokens(viewer: Viewer): Promise<TokenSummary[]> {
  const user = requireSession(viewer);
  const rows = await db.apiToken.findMany({
    where: { userId: user.userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: summarySelect,
  });
  return rows.map(toSummary);
}

/** Revokes one of your tokens at once; revoking twice is harmless. Someone else's token is "not found". */
export async function revokeApiToken(viewer: Viewer, input: unknown): Promise<TokenSummary> {
  const user = requireSession(viewer);
  const { tokenId } = parseInput(z.object({ tokenId: z.string().trim().min(1).max(64) }), input);
  const row = await db.apiToken.findFirst({ where: { id: tokenId, userId: user.userId }, select: { id: true } });
  if (!row) throw notFound("The token");
  await db.apiToken.updateMany({ where: { id: row.id, revokedAt: null }, data: { revokedAt: new Date() } });
  forgetAccess();
  return toSummary(await db.apiToken.findUniqueOrThrow({ where: { id: row.id }, select: summarySelect }));
}
