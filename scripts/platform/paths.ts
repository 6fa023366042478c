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
