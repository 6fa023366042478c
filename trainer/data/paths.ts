// Where Fashion-MNIST is looked for. The web server reads the test set through this same search
// (via trainer/data/index.ts), so it sees the very directory the worker trained and scored on.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { type EnvVars, readEnv } from "../env";

export const FILES = {
  trainImages: "train-images-idx3-ubyte.gz",
  trainLabels: "train-labels-idx1-ubyte.gz",
  testImages: "t10k-images-idx3-ubyte.gz",
  testLabels: "t10k-labels-idx1-ubyte.gz",
} as const;

export const DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

export function defaultCacheDir(env?: EnvVars): string {
  const base = readEnv("XDG_CACHE_HOME", env) ?? join(homedir(), ".cache");
  return join(base, "catwalk", "fashion-mnist");
}

export function hasAllFiles(dir: string): boolean {
  return Object.values(FILES).every((f) => existsSync(join(dir, f)));
}

/** Directories searched in order; the first holding all four files wins. */
export function searchDirs(env?: EnvVars, cacheDir = defaultCacheDir(env), systemDir = DEBIAN_DIR): string[] {
  const dirs: string[] = [];
  const fromEnv = readEnv("FASHION_MNIST_DIR", env);
  if (fromEnv) dirs.push(fromEnv);
  dirs.push(systemDir, cacheDir);
  return dirs;
}

/** The directory `loadFashionMnist` reads without downloading: the first of `searchDirs` holding all four files. */
export function findDataDir(
  env?: EnvVars,
  cacheDir = defaultCacheDir(env),
  systemDir = DEBIAN_DIR,
): string | undefined {
  return searchDirs(env, cacheDir, systemDir).find(hasAllFiles);
}
