import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";
import { db } from "../db";
import { badInput } from "../errors";
import { parseInput } from "../input";
import { newPasswordSchema, passwordIssues } from "../password-policy";
import { hitRateLimit, rateRules } from "../rate-limit";
import { limitPasswordCheck } from "../sign-in-limit";

const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter a valid email address." }))
  .pipe(z.string().max(254));

const signUpSchema = z
  .object({
    email: emailSchema,
    name: z.string().trim().min(1, "Enter your name.").max(100, "Keep the name under 100 characters."),
    password: newPasswordSchema,
  })
  .superRefine(({ email, password }, ctx) => {
    for (const issue of passwordIssues(password, email)) {
      ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
    }
  });

export interface PublicUser {
  id: string;
  email: string;
  name: string;
}

const publicUser = { id: true, email: true, name: true } as const;

/** Where a request came from, for per-network rate limits; transports fill it in, scripts may omit it. */
export interface RequestOrigin {
  ip?: string | null;
}

export async function registerUser(input: unknown, origin?: RequestOrigin): Promise<PublicUser> {
  const { email, name, password } = parseInput(signUpSchema, input);
  if (origin) await hitRateLimit(rateRules().signUpPerAddress, origin.ip ?? "unknown");
  // argon2id with the library's defaults (OWASP's minimum: m=19 MiB, t=2, p=1).
  const passwordHash = await hash(password);
  try {
    return await db.user.create({ data: { email, name, passwordHash }, select: publicUser });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw badInput("An account with this email already exists.", [
        { path: "email", message: "An account with this email already exists." },
      ]);
    }
    throw error;
  }
}

/**
 * Returns the user when the password matches, else null; never says which part was wrong.
 * Attempts are limited per (email, address) and per address (sign-in-limit.ts): when an attempt
 * is not allowed yet this throws RATE_LIMITED without checking the password.
 */
export async function verifyCredentials(
  emailInput: unknown,
  password: unknown,
  origin: RequestOrigin = {},
): Promise<PublicUser | null> {
  const email = emailSchema.safeParse(emailInput);
  if (!email.success || typeof password !== "string" || password.length > 200) return null;
  let found: PublicUser | null = null;
  await limitPasswordCheck(email.data, origin.ip ?? null, async () => {
    const user = await db.user.findUnique({
      where: { email: email.data },
      select: { ...publicUser, passwordHash: true },
    });
    if (!user) {
      // Spend the same time as a real check so response times don't reveal which emails exist.
      await verify(DUMMY_HASH, password).catch(() => false);
      return false;
    }
    if (!(await verify(user.passwordHash, password).catch(() => false))) return false;
    found = { id: user.id, email: user.email, name: user.name };
    return true;
  });
  return found;
}

export async function getUser(id: string): Promise<PublicUser | null> {
  return db.user.findUnique({ where: { id }, select: publicUser });
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

// argon2id hash of a random string nobody knows, with the same parameters as real hashes.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$aku607DmB69E7jAkdOfdbg$87vSxpXSYF7jBs50CEpMvJo5ILqYS507y91d1c3wR58";
