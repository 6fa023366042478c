// Loads trainer/backend/simd/kernels.wat into the tfjs wasm backend's memory. The text is
// assembled at start-up with wabt (~0.1 s, once per process), so the repository holds the source,
// not a binary; the module imports tfjs's WebAssembly.Memory, so kernels work on tensors in place.
import { readFileSync } from "node:fs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

export interface SimdKernels {
  tanh(x: number, y: number, n: number): void;
  maxPoolGrad2x2(x: number, dy: number, dx: number, B: number, OH: number, OW: number, C: number): void;
  matmul(a: number, b: number, c: number, M: number, K: number, N: number, strideAm: number, strideAk: number): void;
  adam(
    w: number,
    g: number,
    m: number,
    v: number,
    outW: number,
    outM: number,
    outV: number,
    n: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
    negLearningRate: number,
    epsilon: number,
  ): void;
  convPoolGrad(
    x: number,
    win: number,
    dy: number,
    dW: number,
    db: number,
    cand: number,
    B: number,
    inH: number,
    inW: number,
    CI: number,
    outH: number,
    outW: number,
    CO: number,
    FH: number,
    FW: number,
    padTop: number,
    padLeft: number,
  ): void;
  convPoolForward(
    x: number,
    w: number,
    bias: number,
    win: number,
    y: number,
    cand: number,
    relu: number,
    B: number,
    inH: number,
    inW: number,
    CI: number,
    outH: number,
    outW: number,
    CO: number,
    FH: number,
    FW: number,
    padTop: number,
    padLeft: number,
  ): void;
  col2im(
    cols: number,
    dx: number,
    B: number,
    inH: number,
    inW: number,
    C: number,
    outH: number,
    outW: number,
    FH: number,
    FW: number,
    SH: number,
    SW: number,
    DH: number,
    DW: number,
    padTop: number,
    padLeft: number,
  ): void;
  convFilterGrad(
    x: number,
    dy: number,
    dwT: number,
    B: number,
    inH: number,
    inW: number,
    C: number,
    outH: number,
    outW: number,
    CO: number,
    FH: number,
    FW: number,
    SH: number,
    SW: number,
    DH: number,
    DW: number,
    padTop: number,
    padLeft: number,
  ): void;
  convInputGrad(
    dx: number,
    dy: number,
    wT: number,
    B: number,
    inH: number,
    inW: number,
    C: number,
    outH: number,
    outW: number,
    CO: number,
    FH: number,
    FW: number,
    SH: number,
    SW: number,
    DH: number,
    DW: number,
    padTop: number,
    padLeft: number,
  ): void;
  convForward(
    x: number,
    w: number,
    y: number,
    B: number,
    inH: number,
    inW: number,
    C: number,
    outH: number,
    outW: number,
    CO: number,
    FH: number,
    FW: number,
    SH: number,
    SW: number,
    DH: number,
    DW: number,
    padTop: number,
    padLeft: number,
  ): void;
}

let loaded: SimdKernels | null = null;

function memoryOf(backend: BackendWasm): WebAssembly.Memory {
  // Emscripten keeps the instance's exports on `asm`; its memory is what every tensor lives in.
  const mem = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(mem instanceof WebAssembly.Memory)) throw new Error("the tfjs wasm module does not expose its memory");
  return mem;
}

let compiled: WebAssembly.Module | null = null;

async function assemble(): Promise<WebAssembly.Module> {
  const { default: initWabt } = await import("wabt");
  const wabt = await initWabt();
  const source = readFileSync(new URL("./simd/kernels.wat", import.meta.url), "utf8");
  const mod = wabt.parseWat("kernels.wat", source, { simd: true, relaxed_simd: true });
  try {
    mod.validate();
    return new WebAssembly.Module(mod.toBinary({}).buffer as Uint8Array<ArrayBuffer>);
  } finally {
    mod.destroy();
  }
}

/**
 * The compiled kernel module: assembled once per process. Worker threads are handed it (a
 * WebAssembly.Module can be posted to a worker) instead of loading wabt and assembling again.
 */
export async function simdModule(): Promise<WebAssembly.Module> {
  compiled ??= await assemble();
  return compiled;
}

/** Seeds this thread with a module compiled elsewhere (see simdModule). */
export function provideSimdModule(module: WebAssembly.Module): void {
  compiled ??= module;
}

/** Instantiates the kernels against this backend's memory (once per thread). */
export async function loadSimdKernels(backend: BackendWasm): Promise<SimdKernels> {
  if (loaded) return loaded;
  const instance = new WebAssembly.Instance(await simdModule(), { env: { memory: memoryOf(backend) } });
  loaded = instance.exports as unknown as SimdKernels;
  return loaded;
}

export function simdKernels(): SimdKernels | null {
  return loaded;
}

/** Byte offset of a tensor's data on the wasm heap. */
export function heapOffset(backend: BackendWasm, dataId: object): number {
  return (backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } }).dataIdMap.get(dataId)
    .memoryOffset;
}
