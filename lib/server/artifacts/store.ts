import "server-only";
import { createHash } from "node:crypto";
import type { ArtifactKind, Prisma } from "@/generated/prisma/client";
import { db } from "../db";
import { type Limits, readLimits } from "../env";

export type { ArtifactKind };

/** What is known of a stored artifact without reading its bytes. */
export interface ArtifactInfo {
  sha256: string;
  sizeBytes: number;
  /** MODEL: the download formats checked when it was stored. */
  formats: string[];
  updatedAt: Date;
}

export interface Artifact extends ArtifactInfo {
  bytes: Uint8Array;
}

/** An artifact over its kind's size limit: the caller decides what that means for the run. */
export class ArtifactTooLargeError extends Error {
  override name = "ArtifactTooLargeError";
  constructor(
    readonly kind: ArtifactKind,
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      `the ${kind === "MODEL" ? "trained model" : "checkpoint"} is ${sizeBytes} bytes, over the limit of ${limitBytes} bytes`,
    );
  }
}

/** Stored bytes that no longer match their hash (a corrupted row): never handed out as a model. */
export class ArtifactCorruptError extends Error {
  override name = "ArtifactCorruptError";
}

type Tx = Prisma.TransactionClient;

/**
 * The one interface every reader and writer of a submission's artifacts uses. PostgreSQL holds
 * them today because workers on other machines reach only the database; an object store (S3 and
 * the like) would implement these four calls and keep only a key and the hash in the table.
 */
export interface ArtifactStore {
  /**
   * Stores (or replaces) the artifact of this kind; inside `tx` when given, so it commits with it.
   * `formats`: for a MODEL, the formats it was checked to export to.
   */
  put(submissionId: string, kind: ArtifactKind, bytes: Uint8Array, tx?: Tx, formats?: string[]): Promise<ArtifactInfo>;
  get(submissionId: string, kind: ArtifactKind): Promise<Artifact | null>;
  info(submissionId: string, kind: ArtifactKind): Promise<ArtifactInfo | null>;
  remove(submissionId: string, kind: ArtifactKind, tx?: Tx): Promise<void>;
}

// A float32 weight file is 4 bytes a parameter; model.json, metadata.json and the zip's headers
// add kilobytes, so a megabyte of slack holds any topology the parser accepts.
const SLACK_BYTES = 1 << 20;
// A checkpoint holds the weights, up to two optimizer slots per weight (Adam's moments) and, with
// restore-best early stopping, the best weights: four copies.
const CHECKPOINT_COPIES = 4;

/** The largest artifact of a kind the parameter budget allows. */
export function artifactLimitBytes(kind: ArtifactKind, limits: Limits = readLimits()): number {
  return limits.maxParams * 4 * (kind === "MODEL" ? 1 : CHECKPOINT_COPIES) + SLACK_BYTES;
}

export const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const INFO = { sha256: true, sizeBytes: true, formats: true, updatedAt: true } as const;

export const postgresArtifactStore: ArtifactStore = {
  async put(submissionId, kind, bytes, tx, formats = []) {
    const limit = artifactLimitBytes(kind);
    if (bytes.byteLength > limit) throw new ArtifactTooLargeError(kind, bytes.byteLength, limit);
    const data = {
      bytes: bytes as Uint8Array<ArrayBuffer>,
      sha256: sha256Hex(bytes),
      sizeBytes: bytes.byteLength,
      formats,
    };
    return (tx ?? db).artifact.upsert({
      where: { submissionId_kind: { submissionId, kind } },
      create: { submissionId, kind, ...data },
      update: data,
      select: INFO,
    });
  },
  async get(submissionId, kind) {
    const row = await db.artifact.findUnique({
      where: { submissionId_kind: { submissionId, kind } },
      select: { ...INFO, bytes: true },
    });
    if (!row) return null;
    if (sha256Hex(row.bytes) !== row.sha256)
      throw new ArtifactCorruptError(`the stored ${kind} of submission ${submissionId} does not match its hash`);
    return row;
  },
  info(submissionId, kind) {
    return db.artifact.findUnique({ where: { submissionId_kind: { submissionId, kind } }, select: INFO });
  },
  async remove(submissionId, kind, tx) {
    await (tx ?? db).artifact.deleteMany({ where: { submissionId, kind } });
  },
};

/** The store the platform uses. */
export const artifacts: ArtifactStore = postgresArtifactStore;
