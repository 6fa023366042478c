import { gunzipSync } from "node:zlib";

export interface IdxArray {
  /** Dimension sizes from the header, e.g. [60000, 28, 28]. */
  shape: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/** Parses an IDX file (gzipped or not); only unsigned-byte payloads occur in (Fashion-)MNIST. */
export function parseIdx(buf: Uint8Array, what = "IDX file"): IdxArray {
  // gzip magic 1f 8b: accept both the official .gz files and already-extracted ones.
  const raw = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b ? new Uint8Array(gunzipSync(buf)) : buf;
  if (raw.length < 4) throw new Error(`${what}: truncated header (${raw.length} bytes)`);
  if (raw[0] !== 0 || raw[1] !== 0) throw new Error(`${what}: bad magic number (not an IDX file)`);
  if (raw[2] !== UBYTE)
    throw new Error(`${what}: unsupported IDX element type 0x${raw[2].toString(16)} (want 0x08 ubyte)`);
  const ndim = raw[3];
  const headerLen = 4 + 4 * ndim;
  if (ndim < 1 || raw.length < headerLen) throw new Error(`${what}: truncated header`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const size = shape.reduce((a, b) => a * b, 1);
  if (raw.length - headerLen !== size) {
    throw new Error(`${what}: payload is ${raw.length - headerLen} bytes, header says ${size}`);
  }
  return { shape, data: raw.subarray(headerLen, headerLen + size) };
}

/** Serialises an unsigned-byte IDX array (used to build the committed test fixture). */
export function encodeIdx(shape: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = shape.length;
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  out.set(data, 4 + 4 * shape.length);
  return out;
}
