import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EnvVars } from "../env";
import { TrainerError } from "../errors";
import { parseIdx } from "./idx";
import { defaultCacheDir, FILES, hasAllFiles, searchDirs } from "./paths";

type FileKey = keyof typeof FILES;

/** MD5s of the official gzipped files (zalandoresearch/fashion-mnist README). */
const OFFICIAL_MD5: Record<FileKey, string> = {
  trainImages: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
  trainLabels: "25c81989df183df01b3e8a0aad5dffbe",
  testImages: "bef4ecab320f06d8554ea6380940ec79",
  testLabels: "bb300cfdad3c16e7a12a480ee83cd310",
};
const OFFICIAL_BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

/** The committed 2,000 train + 1,000 test subset used by tests (first images of each official file). */
export const FIXTURE_DIR = fileURLToPath(new URL("../fixtures/fashion-mnist", import.meta.url));

export const IMAGE_SIZE = 28 * 28;

export interface Split {
  /** count × 784 raw pixels 0..255, row-major; scaled to [0,1] when batched. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}
export interface FashionMnist {
  train: Split;
  test: Split;
  /** Where the files came from (directory or 'download → cache dir'). */
  source: string;
}

export interface LoadOptions {
  /** Read exactly this directory (no search). */
  dir?: string;
  /** Keep only the first N images of each split (deterministic). `'fixture'` = the committed subset. */
  subset?: "fixture" | { train?: number; test?: number };
  /** Allow downloading the official files into the cache when nothing is found (default true). */
  download?: boolean;
  cacheDir?: string;
  /** The system-wide directory to look in (default Debian's); overridable for tests. */
  systemDir?: string;
  fetchImpl?: typeof fetch;
  /** Instead of process.env (tests). */
  env?: EnvVars;
}

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

async function downloadOfficial(cacheDir: string, fetchImpl: typeof fetch): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  for (const key of Object.keys(FILES) as FileKey[]) {
    const name = FILES[key];
    const target = join(cacheDir, name);
    if (existsSync(target) && md5(await readFile(target)) === OFFICIAL_MD5[key]) continue;
    const res = await fetchImpl(OFFICIAL_BASE_URL + name, { signal: AbortSignal.timeout(120_000) });
    if (!res.ok) throw new Error(`GET ${OFFICIAL_BASE_URL + name}: HTTP ${res.status}`);
    const body = new Uint8Array(await res.arrayBuffer());
    const sum = md5(body);
    if (sum !== OFFICIAL_MD5[key]) throw new Error(`${name}: MD5 ${sum}, expected ${OFFICIAL_MD5[key]}`);
    // Write-then-rename so an interrupted download never leaves a file that looks complete.
    await writeFile(`${target}.part`, body);
    await rename(`${target}.part`, target);
  }
}

function howToGetIt(tried: string[], downloadError?: string): string {
  return (
    `Fashion-MNIST not found (looked in: ${tried.join(", ")})` +
    (downloadError ? `; download failed: ${downloadError}` : "") +
    `. Install it with \`apt-get install dataset-fashion-mnist\` (Debian), or put the four official ` +
    `*-ubyte.gz files in a directory and set FASHION_MNIST_DIR, or allow network access to ${OFFICIAL_BASE_URL}.`
  );
}

async function readSplit(dir: string, imagesFile: string, labelsFile: string, limit?: number): Promise<Split> {
  const images = parseIdx(await readFile(join(dir, imagesFile)), join(dir, imagesFile));
  const labels = parseIdx(await readFile(join(dir, labelsFile)), join(dir, labelsFile));
  if (images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28) {
    throw new Error(`${imagesFile}: expected N×28×28 images, got ${images.shape.join("×")}`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new Error(`${labelsFile}: ${labels.shape[0]} labels for ${images.shape[0]} images`);
  }
  for (const l of labels.data) if (l > 9) throw new Error(`${labelsFile}: label ${l} out of range 0..9`);
  const count = Math.min(images.shape[0], limit ?? Infinity);
  return {
    images: images.data.slice(0, count * IMAGE_SIZE),
    labels: labels.data.slice(0, count),
    count,
  };
}

export async function loadFashionMnist(opts: LoadOptions = {}): Promise<FashionMnist> {
  const env = opts.env;
  const cacheDir = opts.cacheDir ?? defaultCacheDir(env);
  let dir: string | undefined;
  let source: string;
  if (opts.subset === "fixture") {
    dir = FIXTURE_DIR;
    source = FIXTURE_DIR;
  } else if (opts.dir) {
    if (!hasAllFiles(opts.dir)) throw new TrainerError("DATA_UNAVAILABLE", howToGetIt([opts.dir]));
    dir = opts.dir;
    source = dir;
  } else {
    const tried = searchDirs(env, cacheDir, opts.systemDir);
    dir = tried.find(hasAllFiles);
    if (!dir) {
      if (opts.download === false) throw new TrainerError("DATA_UNAVAILABLE", howToGetIt(tried));
      try {
        await downloadOfficial(cacheDir, opts.fetchImpl ?? fetch);
      } catch (e) {
        throw new TrainerError("DATA_UNAVAILABLE", howToGetIt(tried, (e as Error).message));
      }
      dir = cacheDir;
    }
    source = dir;
  }
  const limits = typeof opts.subset === "object" ? opts.subset : {};
  try {
    const train = await readSplit(dir, FILES.trainImages, FILES.trainLabels, limits.train);
    const test = await readSplit(dir, FILES.testImages, FILES.testLabels, limits.test);
    return { train, test, source };
  } catch (e) {
    throw new TrainerError("DATA_UNAVAILABLE", `Fashion-MNIST files in ${dir} are unreadable: ${(e as Error).message}`);
  }
}
