// Memory-bound reshuffling is done in plain JS directly on the wasm heap (the arithmetic goes to
// XNNPACK): these are the few operations every kernel needs for that.
import type { TensorInfo } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** A Float32Array view of a tensor on the wasm heap. Re-take it after any allocation (heap may grow). */
export function view(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

export function alloc(backend: BackendWasm, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, "float32");
}

export function zeros(backend: BackendWasm, shape: number[]): TensorInfo {
  const t = alloc(backend, shape);
  view(backend, t).fill(0);
  return t;
}

export function dispose(backend: BackendWasm, ...ts: TensorInfo[]): void {
  for (const t of ts) backend.disposeData(t.dataId);
}

/** Transposes the last two axes of a [batch, r, c] buffer into a new tensor. */
export function transposeLast2(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const s = x.shape;
  const r = s[s.length - 2];
  const c = s[s.length - 1];
  const batch = s.slice(0, -2).reduce((a, b) => a * b, 1);
  const out = alloc(backend, [...s.slice(0, -2), c, r]);
  const src = view(backend, x);
  const dst = view(backend, out);
  const plane = r * c;
  // Blocked so both sides stay in cache for large matrices.
  const B = 32;
  for (let p = 0; p < batch; p++) {
    const o = p * plane;
    for (let i0 = 0; i0 < r; i0 += B) {
      const i1 = Math.min(r, i0 + B);
      for (let j0 = 0; j0 < c; j0 += B) {
        const j1 = Math.min(c, j0 + B);
        for (let i = i0; i < i1; i++) {
          const si = o + i * c;
          for (let j = j0; j < j1; j++) dst[o + j * r + i] = src[si + j];
        }
      }
    }
  }
  return out;
}
