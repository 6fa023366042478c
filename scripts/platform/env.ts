// The launcher's settings, declared and validated in this one module: the environment `npm start`
// gives the app (what the user set, plus local defaults), and the variables that choose its
// PostgreSQL server (read by database.ts).
//
// A missing AUTH_SECRET is generated once per checkout and kept in the git-ignored
// .local/auth-secret, so sessions survive restarts and no secret is ever hard-coded or committed.
// Deployments set AUTH_SECRET themselves; then the file is never touched.

import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { defaultLogger, type EnvVars, type Logger, localDir } from "./paths";

/** next-auth wants at least 32 characters of entropy-bearing secret. */
const MIN_SECRET_LENGTH = 32;

const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);

export const platformEnvSchema = z.object({
  AUTH_SECRET: z.preprocess(
    emptyAsUnset,
    z.string().min(MIN_SECRET_LENGTH, `AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  ),
  // next-auth behind `next start` on 127.0.0.1 must trust the Host header it is given.
  AUTH_TRUST_HOST: z.preprocess(emptyAsUnset, z.enum(["true", "false", "1", "0"]).default("true")),
  PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(65535).default(3000)),
  HOSTNAME: z.preprocess(emptyAsUnset, z.string().min(1).default("127.0.0.1")),
});

export type PlatformEnv = z.infer<typeof platformEnvSchema> & { AUTH_SECRET: string };

export class EnvError extends Error {}

/** Validates the platform's variables, with a message naming every bad one. */
export function parsePlatformEnv(env: EnvVars): z.infer<typeof platformEnvSchema> {
  const parsed = platformEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new EnvError(`Invalid environment:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

const databaseUrlSchema = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol), {
    message: "DATABASE_URL must be a postgresql:// URL",
  });

export const databaseEnvSchema = z.object({
  DATABASE_URL: z.preprocess(emptyAsUnset, databaseUrlSchema.optional()),
  CATWALK_EMBEDDED_PG_PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(65535).optional()),
  // An absolute cluster directory instead of .data/postgres (tests run a throwaway cluster).
  CATWALK_EMBEDDED_PG_DIR: z.preprocess(
    emptyAsUnset,
    z.string().refine(isAbsolute, "CATWALK_EMBEDDED_PG_DIR must be an absolute path").optional(),
  ),
});

export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;

/** The variables that choose the database; a bad one throws zod's own error, naming it. */
export function parseDatabaseEnv(env: EnvVars): DatabaseEnv {
  return databaseEnvSchema.parse(env);
}

export interface LocalEnvOptions {
  env?: EnvVars;
  /** Where the generated secret lives; tests use a temporary directory. */
  secretFile?: string;
  log?: Logger;
}

/**
 * Returns the environment for the app's processes: the given one, validated, with AUTH_SECRET,
 * AUTH_TRUST_HOST, PORT and HOSTNAME filled in.
 */
export async function ensureLocalEnv(options: LocalEnvOptions = {}): Promise<EnvVars & PlatformEnvStrings> {
  const env = options.env ?? process.env;
  const log = options.log ?? defaultLogger;
  const parsed = parsePlatformEnv(env);
  const secret =
    parsed.AUTH_SECRET ?? (await readOrCreateLocalSecret(options.secretFile ?? join(localDir, "auth-secret"), log));
  return {
    ...env,
    AUTH_SECRET: secret,
    AUTH_TRUST_HOST: parsed.AUTH_TRUST_HOST,
    PORT: String(parsed.PORT),
    HOSTNAME: parsed.HOSTNAME,
  };
}

export interface PlatformEnvStrings {
  AUTH_SECRET: string;
  AUTH_TRUST_HOST: string;
  PORT: string;
  HOSTNAME: string;
}

async function readOrCreateLocalSecret(file: string, log: Logger): Promise<string> {
  try {
    const existing = (await readFile(file, "utf8")).trim();
    if (existing.length >= MIN_SECRET_LENGTH) return existing;
    log(`${file} holds no usable secret; generating a new one (existing sessions end).`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    log(`AUTH_SECRET is not set: generated one for this checkout in ${file}.`);
  }
  const secret = randomBytes(32).toString("base64url");
  await mkdir(join(file, ".."), { recursive: true, mode: 0o700 });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  // writeFile's mode only applies to new files; an existing (unusable) one keeps its mode otherwise.
  await chmod(file, 0o600);
  return secret;
}
