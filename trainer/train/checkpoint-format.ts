// The checkpoint's bytes: a versioned binary container, independent of tfjs so it can be read
// (and checked) anywhere. Layout, all integers little-endian:
//
//   0   8 bytes  magic "CWCKPT\r\n" (the CR LF catches a text-mode copy, as PNG's signature does)
//   8   u32      format version (CHECKPOINT_VERSION)
//   12  u32      header length H in bytes
//   16  H bytes  header: UTF-8 JSON (checkpointHeader below), every tensor as {shape, offset}
//       0–3      zero padding to a multiple of 4
//       4·F      the float32 values of every tensor back to back (F = header.floats)
//       32       SHA-256 of everything before it
//
// Floats are stored in the platform's order, which is little-endian on every machine Node.js
// trains on; both directions check it. The trailing hash makes any damaged byte (a truncated
// write, a flipped bit in a number of the header) a refusal instead of a silently wrong resume.
import { createHash } from "node:crypto";
import { endianness } from "node:os";
import { z } from "zod";
import type { EpochMetrics } from "./run";
import type { PlateauState } from "./schedule";

const MAGIC = Uint8Array.from([0x43, 0x57, 0x43, 0x4b, 0x50, 0x54, 0x0d, 0x0a]);
// 2: ReduceLROnPlateau's state and each epoch's learning rate (training recipes).
export const CHECKPOINT_VERSION = 2;
const PREFIX_BYTES = 16;
const HASH_BYTES = 32;

export interface TensorData {
  shape: number[];
  values: Float32Array;
}

export interface NamedTensorData extends TensorData {
  name: string;
}

/** An optimizer's state as tfjs's getWeights() gives it, plus what setWeights() can't restore. */
export interface OptimizerState {
  /** tfjs's class name ("Adam", "SGD"…): a state only fits the optimizer that wrote it. */
  className: string;
  iterations: number;
  /** The slot variables (Adam's first then second moments, momentum's accumulations…). */
  variables: NamedTensorData[];
  /** Adam's running powers of beta1 and beta2, exactly as they were (see restoreOptimizer). */
  accBeta: [number, number] | null;
}

export interface CheckpointContent {
  /** Hash of what the run is (architecture, training config, seed, data): see runFingerprint. */
  fingerprint: string;
  /** Epochs completed; the resumed run starts at epoch + 1. */
  epoch: number;
  /** Training time spent so far (sum over the attempts that produced it). */
  trainMs: number;
  history: EpochMetrics[];
  earlyStopping: {
    best: { value: number; epoch: number } | null;
    wait: number;
    /** Set when early stopping ended the run at this epoch (nothing is left to train). */
    stopReason: string | null;
  };
  /** ReduceLROnPlateau's state (schedule.ts), when the run uses it. */
  plateau: PlateauState | null;
  /** The best epoch's weights, when restoreBestWeights keeps them. */
  bestWeights: TensorData[] | null;
  /** Every model weight (trainable or not) in model.getWeights() order. */
  weights: TensorData[];
  optimizer: OptimizerState;
  writtenBy: { backend: string; threads: number; createdAt: string };
}

const tensorRef = z.object({ shape: z.array(z.number().int().min(0)), offset: z.number().int().min(0) }).strict();
const num = z.number().finite();
const epochMetrics = z
  .object({
    epoch: z.number().int().min(1),
    loss: num,
    accuracy: num,
    valLoss: num.nullable(),
    valAccuracy: num.nullable(),
    samplesPerSec: num,
    durationMs: num,
    etaMs: num,
    learningRate: num.optional(),
  })
  .strict();

const checkpointHeader = z
  .object({
    fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
    epoch: z.number().int().min(1),
    trainMs: num.min(0),
    history: z.array(epochMetrics),
    earlyStopping: z
      .object({
        best: z
          .object({ value: num, epoch: z.number().int().min(1) })
          .strict()
          .nullable(),
        wait: z.number().int().min(0),
        stopReason: z.string().nullable(),
      })
      .strict(),
    plateau: z
      .object({
        learningRate: num.min(0),
        best: num.nullable(),
        wait: z.number().int().min(0),
        cooldownLeft: z.number().int().min(0),
      })
      .strict()
      .nullable(),
    bestWeights: z.array(tensorRef).nullable(),
    weights: z.array(tensorRef),
    optimizer: z
      .object({
        className: z.string().min(1),
        iterations: z.number().int().min(0),
        variables: z.array(tensorRef.extend({ name: z.string() })),
        accBeta: z.tuple([num, num]).nullable(),
      })
      .strict(),
    writtenBy: z.object({ backend: z.string(), threads: z.number().int().min(1), createdAt: z.string() }).strict(),
    floats: z.number().int().min(0),
  })
  .strict()
  .superRefine((h, ctx) => {
    // History is exactly epochs 1..epoch, once each: what the resumed run appends to.
    if (h.history.length !== h.epoch || h.history.some((m, i) => m.epoch !== i + 1))
      ctx.addIssue({ code: "custom", path: ["history"], message: `must hold epochs 1..${h.epoch} in order` });
    if (h.earlyStopping.best && h.earlyStopping.best.epoch > h.epoch)
      ctx.addIssue({ code: "custom", path: ["earlyStopping", "best"], message: "is after the checkpoint's epoch" });
  });

type Header = z.output<typeof checkpointHeader>;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function checkByteOrder(): void {
  if (endianness() !== "LE") throw new Error("checkpoints are little-endian; this machine is big-endian");
}

/** Serializes a checkpoint (see the layout at the top of this file). */
export function encodeCheckpoint(c: CheckpointContent): Uint8Array {
  checkByteOrder();
  const blobs: Float32Array[] = [];
  let floats = 0;
  const ref = (t: TensorData) => {
    if (t.values.length !== size(t.shape))
      throw new Error(`tensor of shape [${t.shape}] has ${t.values.length} values`);
    const r = { shape: [...t.shape], offset: floats };
    blobs.push(t.values);
    floats += t.values.length;
    return r;
  };
  const header: Header = {
    fingerprint: c.fingerprint,
    epoch: c.epoch,
    trainMs: c.trainMs,
    history: c.history,
    earlyStopping: c.earlyStopping,
    plateau: c.plateau,
    weights: c.weights.map(ref),
    bestWeights: c.bestWeights ? c.bestWeights.map(ref) : null,
    optimizer: {
      className: c.optimizer.className,
      iterations: c.optimizer.iterations,
      variables: c.optimizer.variables.map((v) => ({ name: v.name, ...ref(v) })),
      accBeta: c.optimizer.accBeta,
    },
    writtenBy: c.writtenBy,
    floats,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const blobStart = PREFIX_BYTES + json.length + ((4 - (json.length % 4)) % 4);
  const total = blobStart + floats * 4 + HASH_BYTES;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, PREFIX_BYTES);
  const area = new Float32Array(out.buffer, blobStart, floats);
  let at = 0;
  for (const b of blobs) {
    area.set(b, at);
    at += b.length;
  }
  out.set(
    createHash("sha256")
      .update(out.subarray(0, total - HASH_BYTES))
      .digest(),
    total - HASH_BYTES,
  );
  return out;
}

export type DecodeResult = { ok: true; content: CheckpointContent } | { ok: false; reason: string };

/** Reads and checks a checkpoint; never throws on bad bytes, it says what is wrong instead. */
export function decodeCheckpoint(bytes: Uint8Array): DecodeResult {
  checkByteOrder();
  const fail = (reason: string): DecodeResult => ({ ok: false, reason });
  if (bytes.length < PREFIX_BYTES + HASH_BYTES) return fail(`it is too short (${bytes.length} bytes)`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) return fail("it is not a Catwalk checkpoint (wrong signature)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION)
    return fail(`it has format version ${version}; this trainer reads version ${CHECKPOINT_VERSION}`);
  const body = bytes.subarray(0, bytes.length - HASH_BYTES);
  const digest = createHash("sha256").update(body).digest();
  if (!digest.equals(bytes.subarray(bytes.length - HASH_BYTES)))
    return fail("it is damaged (its SHA-256 does not match its contents)");
  const headerLength = view.getUint32(12, true);
  if (PREFIX_BYTES + headerLength > body.length) return fail("its header runs past its end");
  let header: Header;
  try {
    const raw: unknown = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(body.subarray(16, 16 + headerLength)),
    );
    const parsed = checkpointHeader.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      return fail(`its header is invalid: ${i.path.join(".") || "(root)"}: ${i.message}`);
    }
    header = parsed.data;
  } catch (e) {
    return fail(`its header is not JSON (${(e as Error).message})`);
  }
  const blobStart = PREFIX_BYTES + headerLength + ((4 - (headerLength % 4)) % 4);
  if (blobStart + header.floats * 4 !== body.length)
    return fail(`its size does not match its header (${header.floats} floats declared)`);
  // A copy at offset 0: the input may be a Buffer at an offset Float32Array can't view.
  const area = new Float32Array(body.slice(blobStart).buffer);
  let next = 0;
  let layoutError: string | null = null;
  const read = (r: { shape: number[]; offset: number }): TensorData => {
    const n = size(r.shape);
    if (r.offset !== next || r.offset + n > header.floats)
      layoutError ??= `a tensor at offset ${r.offset} is misplaced`;
    next = r.offset + n;
    return { shape: r.shape, values: area.subarray(r.offset, r.offset + n) };
  };
  const weights = header.weights.map(read);
  const bestWeights = header.bestWeights ? header.bestWeights.map(read) : null;
  const variables = header.optimizer.variables.map((v) => ({ name: v.name, ...read(v) }));
  if (!layoutError && next !== header.floats) layoutError = "its tensors do not fill its data";
  if (layoutError) return fail(layoutError);
  return {
    ok: true,
    content: {
      fingerprint: header.fingerprint,
      epoch: header.epoch,
      trainMs: header.trainMs,
      history: header.history,
      earlyStopping: header.earlyStopping,
      plateau: header.plateau,
      weights,
      bestWeights,
      optimizer: { ...header.optimizer, variables },
      writtenBy: header.writtenBy,
    },
  };
}

/** JSON with object keys sorted, so equal values hash equally whatever order they were built in. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

/**
 * What a checkpoint must have been written by to be resumed: the same architecture, training
 * config (seed, optimizer, early stopping, epochs…) and training data, and the same data-order
 * scheme (DATA_ORDER names it: change it when the order's formula in run.ts changes).
 */
export function runFingerprint(p: { keras: unknown; config: unknown; trainLabels: Uint8Array; dataOrder: string }) {
  const labels = createHash("sha256").update(p.trainLabels).digest("hex");
  return createHash("sha256")
    .update(canonicalJson({ v: CHECKPOINT_VERSION, keras: p.keras, config: p.config, labels, order: p.dataOrder }))
    .digest("hex");
}
