import { randomInt } from "node:crypto";
import { encode } from "fast-png";
import "server-only";
import { requireSubmissionAccess } from "../access";
import { db } from "../db";
import { AppError, badInput, forbidden, notFound } from "../errors";
import {
  cellMembers,
  isPublicIndex,
  type ScopedMetrics,
  scoreOn,
  splitFor,
  type TestScope,
  testImage,
  testLabels,
} from "../test-set";
import type { Viewer } from "../viewer";

// The confusion-matrix gallery: which test images fell into a cell, and those images as PNGs.
// The test set, its split and the scoring live in ../test-set.ts, shared with the graders' API
// (grading.ts getPredictionExamples) and result views, so every page shows the same halves.
//
// Rule for the private half of the test set (access.ts `visibility`): a per-image list of
// private-half predictions amounts to handing out its labels, so a student's gallery lists
// PUBLIC-half images only, before and after the reveal; graders get all images. The same rule
// guards the image route, so guessing indices reveals nothing either. Aggregates (confusion
// matrix, per-class metrics) cover the whole test set for graders and, once the private board is
// revealed, for its students; before that they are computed on the public half.

interface Scope {
  predictions: Uint8Array;
  /** Per-image results: which part of the test set. */
  images: TestScope;
  /** Aggregates: which part of the test set. */
  aggregates: TestScope;
}

async function scopeFor(viewer: Viewer, submissionId: string): Promise<Scope> {
  const access = await requireSubmissionAccess(viewer, submissionId);
  const stored = await db.result.findUnique({ where: { submissionId }, select: { predictions: true } });
  if (!stored?.predictions) throw notFound("This submission's predictions");
  return {
    predictions: new Uint8Array(stored.predictions),
    images: access.can.privateImages ? "all" : "public",
    aggregates: access.can.privateScores ? "all" : "public",
  };
}

export interface CellImages {
  trueLabel: number;
  predictedLabel: number;
  /** Test-set indices, in test-set order, at most `limit`. */
  indices: number[];
  /** How many visible images fall in the cell. */
  total: number;
  /** 'public': only the public half is listed (students, before and after the reveal). */
  scope: TestScope;
}

const label = (v: unknown, what: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 9) throw badInput(`${what} must be a class number from 0 to 9.`);
  return n;
};

export async function getCellImages(
  viewer: Viewer,
  submissionId: string,
  trueLabel: unknown,
  predictedLabel: unknown,
  limit = 60,
): Promise<CellImages> {
  const t = label(trueLabel, "The true class");
  const p = label(predictedLabel, "The predicted class");
  const scope = await scopeFor(viewer, submissionId);
  const cell = await cellMembers(scope.predictions, scope.images, t, p, limit);
  if (!cell) throw notFound("The Fashion-MNIST test images");
  return { trueLabel: t, predictedLabel: p, ...cell, scope: scope.images };
}

export async function getTestImagePng(viewer: Viewer, submissionId: string, indexInput: unknown): Promise<Buffer> {
  const index = Number(indexInput);
  const scope = await scopeFor(viewer, submissionId);
  if (!Number.isInteger(index) || index < 0 || index >= scope.predictions.length) throw notFound("The test image");
  if (scope.images === "public" && !isPublicIndex(scope.predictions.length, index)) {
    throw forbidden("Per-image results on the private half of the test set are shown to graders only.");
  }
  const pixels = await testImage(index);
  if (!pixels) throw notFound("The test image");
  return Buffer.from(encode({ width: 28, height: 28, data: pixels, depth: 8, channels: 1 }));
}

export interface TestSample {
  /** Distinct test images in random order, with their true class; the pixels are at the PNG route. */
  images: { index: number; label: number }[];
  /** 'public': drawn from the public half only (students); 'all': from every test image (graders). */
  scope: TestScope;
}

/** The most test images one sample may hold: a page shows a row of them, not the test set. */
export const MAX_SAMPLE = 32;

/**
 * Random test images and their true classes, for "try test images" on the model page: under the
 * same rule as the gallery (a student's come from the public half only, whose per-image results
 * the gallery already shows them; graders' from all), so the PNG route serves every one of them.
 */
export async function sampleTestImages(viewer: Viewer, submissionId: string, countInput: unknown): Promise<TestSample> {
  const count = countInput === undefined || countInput === null ? 8 : Number(countInput);
  if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLE) {
    throw badInput(`count must be a whole number from 1 to ${MAX_SAMPLE}.`, [
      { path: "count", message: `from 1 to ${MAX_SAMPLE}` },
    ]);
  }
  const scope = await scopeFor(viewer, submissionId);
  const labels = await testLabels();
  const n = scope.predictions.length;
  if (!labels || labels.length < n) throw notFound("The Fashion-MNIST test images");
  const pool = scope.images === "public" ? Array.from(splitFor(n).public) : Array.from({ length: n }, (_, i) => i);
  // A partial Fisher-Yates shuffle: `count` distinct images, each equally likely.
  const picked = Math.min(count, pool.length);
  for (let i = 0; i < picked; i++) {
    const j = randomInt(i, pool.length);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return { images: pool.slice(0, picked).map((index) => ({ index, label: labels[index]! })), scope: scope.images };
}

/** 'all': every test image; 'public': recomputed on the public half only. */
export type VisibleScores = ScopedMetrics;

/**
 * The confusion matrix and per-class metrics a viewer may see. Before the reveal a student's are
 * computed on the public half only: the full-set matrix would give away the private accuracy.
 * Null when there is nothing to compute from (no result, or no test files on this server): the
 * page then falls back to the stored numbers for graders.
 */
export async function getVisibleScores(viewer: Viewer, submissionId: string): Promise<VisibleScores | null> {
  let scope: Scope;
  try {
    scope = await scopeFor(viewer, submissionId);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return null;
    throw error;
  }
  return scoreOn(scope.predictions, scope.aggregates);
}
