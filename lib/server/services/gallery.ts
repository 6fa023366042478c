import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseIdx } from "@/trainer/data/idx";
import { confusionMatrix, perClassMetrics, publicPrivateSplit } from "@/trainer/train/scoring";
import { requireClassAccess } from "../access";
import { db } from "../db";
import { badInput, forbidden, notFound } from "../errors";
import { encodeGrayscalePng } from "../png";
import type { Viewer } from "../viewer";

// The confusion-matrix gallery: which test images fell into a cell, and those images as PNGs.
//
// Rule for the private half of the test set (the same as grading.ts's getPredictionExamples):
// a per-image list of private-half predictions amounts to handing out its labels, so a student's
// gallery lists PUBLIC-half images only, before and after the reveal; graders get all images.
// The same rule guards the image route, so guessing indices reveals nothing either. Aggregates
// (confusion matrix, per-class metrics) cover the whole test set for graders and, once the
// private board is revealed, for its students; before that they are computed on the public half.

const TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
const TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

function testDataDir(): string {
  const candidates = [
    process.env.FASHION_MNIST_DIR,
    "/usr/share/datasets/fashion-mnist",
    join(process.cwd(), "trainer/fixtures/fashion-mnist"),
  ].filter((d): d is string => !!d);
  const dir = candidates.find((d) => existsSync(join(d, TEST_IMAGES)) && existsSync(join(d, TEST_LABELS)));
  if (!dir) throw notFound("The Fashion-MNIST test images");
  return dir;
}

interface TestSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}
let testSet: Promise<TestSet> | null = null;

/** The test split, read once per server process (the fixture's images are the first of the official file). */
function loadTestSet(): Promise<TestSet> {
  testSet ??= (async () => {
    const dir = testDataDir();
    const [images, labels] = await Promise.all([readFile(join(dir, TEST_IMAGES)), readFile(join(dir, TEST_LABELS))]);
    const img = parseIdx(images, TEST_IMAGES);
    const lab = parseIdx(labels, TEST_LABELS);
    return { images: img.data, labels: lab.data, count: lab.shape[0]! };
  })().catch((error) => {
    testSet = null;
    throw error;
  });
  return testSet;
}

const splits = new Map<number, Set<number>>();
function publicIndices(n: number): Set<number> {
  let s = splits.get(n);
  if (!s) {
    s = new Set(publicPrivateSplit(n).public);
    splits.set(n, s);
  }
  return s;
}

interface Scope {
  predictions: Uint8Array;
  /** Per-image: every test image (graders only). */
  allVisible: boolean;
  /** Aggregates over the whole test set (graders, or everyone after the reveal). */
  aggregatesVisible: boolean;
}

async function scopeFor(viewer: Viewer, submissionId: string): Promise<Scope> {
  const row = await db.submission.findUnique({
    where: { id: submissionId },
    select: { classId: true, authorId: true, class: { select: { privateRevealed: true } }, result: { select: { predictions: true } } },
  });
  if (!row) throw notFound("The submission");
  const access = await requireClassAccess(viewer, { id: row.classId });
  if (!access.isGrader && row.authorId !== access.viewer.userId) throw forbidden("You can only open your own submissions.");
  if (!row.result?.predictions) throw notFound("This submission's predictions");
  return {
    predictions: new Uint8Array(row.result.predictions),
    allVisible: access.isGrader,
    aggregatesVisible: access.isGrader || row.class.privateRevealed,
  };
}

export interface CellImages {
  trueLabel: number;
  predictedLabel: number;
  /** Test-set indices, in test-set order, at most `limit`. */
  indices: number[];
  /** How many visible images fall in the cell. */
  total: number;
  /** 'public': only the public half is listed (a student before the reveal). */
  scope: "all" | "public";
}

const label = (v: unknown, what: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 9) throw badInput(`${what} must be a class number from 0 to 9.`);
  return n;
};

export async function getCellImages(viewer: Viewer, submissionId: string, trueLabel: unknown, predictedLabel: unknown, limit = 60): Promise<CellImages> {
  const t = label(trueLabel, "The true class");
  const p = label(predictedLabel, "The predicted class");
  const scope = await scopeFor(viewer, submissionId);
  const test = await loadTestSet();
  const n = Math.min(scope.predictions.length, test.count);
  const visible = scope.allVisible ? null : publicIndices(scope.predictions.length);
  const indices: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (test.labels[i] !== t || scope.predictions[i] !== p) continue;
    if (visible && !visible.has(i)) continue;
    total++;
    if (indices.length < limit) indices.push(i);
  }
  return { trueLabel: t, predictedLabel: p, indices, total, scope: scope.allVisible ? "all" : "public" };
}

export async function getTestImagePng(viewer: Viewer, submissionId: string, indexInput: unknown): Promise<Buffer> {
  const index = Number(indexInput);
  const scope = await scopeFor(viewer, submissionId);
  if (!Number.isInteger(index) || index < 0 || index >= scope.predictions.length) throw notFound("The test image");
  if (!scope.allVisible && !publicIndices(scope.predictions.length).has(index)) {
    throw forbidden("Per-image results on the private half of the test set are shown to graders only.");
  }
  const test = await loadTestSet();
  if (index >= test.count) throw notFound("The test image");
  return encodeGrayscalePng(test.images.subarray(index * 784, (index + 1) * 784), 28, 28);
}

export interface VisibleScores {
  /** 'all': the stored full-test-set numbers; 'public': recomputed on the public half only. */
  scope: "all" | "public";
  accuracy: number;
  confusionMatrix: number[][];
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  images: number;
}

/**
 * The confusion matrix and per-class metrics a viewer may see. Before the reveal a student's are
 * computed on the public half only: the full-set matrix would give away the private accuracy.
 */
export async function getVisibleScores(viewer: Viewer, submissionId: string): Promise<VisibleScores | null> {
  let scope: Scope;
  try {
    scope = await scopeFor(viewer, submissionId);
  } catch (error) {
    if (error instanceof Error && "code" in error && (error as { code: string }).code === "NOT_FOUND") return null;
    throw error;
  }
  const n = scope.predictions.length;
  let labels: Uint8Array;
  try {
    labels = (await loadTestSet()).labels;
  } catch {
    return null; // no test files on this server: the page falls back to the stored numbers for graders
  }
  const pub = scope.aggregatesVisible ? null : publicIndices(n);
  const indices: number[] = [];
  for (let i = 0; i < Math.min(n, labels.length); i++) if (!pub || pub.has(i)) indices.push(i);
  const preds = indices.map((i) => scope.predictions[i]!);
  const truth = indices.map((i) => labels[i]!);
  const matrix = confusionMatrix(truth, preds);
  const correct = indices.reduce((a, _, k) => a + (truth[k] === preds[k] ? 1 : 0), 0);
  return {
    scope: scope.aggregatesVisible ? "all" : "public",
    accuracy: indices.length ? correct / indices.length : 0,
    confusionMatrix: matrix,
    perClass: perClassMetrics(matrix),
    images: indices.length,
  };
}
