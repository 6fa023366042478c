import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, wherever the process was started from. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Git-ignored, machine-local state. `.data` holds databases, `.local` holds secrets. */
export const dataDir = join(projectRoot, ".data");
export const localDir = join(projectRoot, ".local");

export type Logger = (line: string) => void;

/** Start-up messages go to stderr so that stdout stays free for the app's own output. */
export const defaultLogger: Logger = (line) => process.stderr.write(`[catwalk] ${line}\n`);

/**
 * Environment variables as plain data. Not NodeJS.ProcessEnv: Next's types make NODE_ENV
 * mandatory there, and these functions accept any subset (tests pass `{}`).
 */
export type EnvVars = Record<string, string | undefined>;
