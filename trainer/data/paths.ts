// Where Fashion-MNIST is looked for. Kept free of relative imports (only node: built-ins) so that
// the web app, which Next bundles and which cannot follow the trainer's `.js` specifiers, reads the
// test set from the very directory the worker trained and scored on.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const FILES = {
  trainImages: "train-images-idx3-ubyte.gz",
  trainLabels: "train-labels-idx1-ubyte.gz",
  testImages: "t10k-images-idx3-ubyte.gz",
  testLabels: "t10k-labels-idx1-ubyte.gz",
} as const;

export const DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "catwalk", "fashion-mnist");
}

export function hasAllFiles(dir: string): boolean {
  return Object.values(FILES).every((f) => existsSync(join(dir, f)));
}

/** Directories searched in order; the first holding all four files wins. */
export function searchDirs(
  env: NodeJS.ProcessEnv = process.env,
  cacheDir = defaultCacheDir(env),
  systemDir = DEBIAN_DIR,
): string[] {
  const dirs: string[] = [];
  if (env.FASHION_MNIST_DIR) dirs.push(env.FASHION_MNIST_DIR);
  dirs.push(systemDir, cacheDir);
  return dirs;
}

/** The directory `loadFashionMnist` reads without downloading: the first of `searchDirs` holding all four files. */
export function findDataDir(
  env: NodeJS.ProcessEnv = process.env,
  cacheDir = defaultCacheDir(env),
  systemDir = DEBIAN_DIR,
): string | undefined {
  return searchDirs(env, cacheDir, systemDir).find(hasAllFiles);
}
