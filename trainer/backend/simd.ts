// Loads trainer/backend/simd/kernels.wat into the tfjs wasm backend's memory. The text is
// assembled at start-up with wabt (~0.1 s, once per process), so the repository holds the source,
// not a binary; the module imports tfjs's WebAssembly.Memory, so kernels work on tensors in place.
import { readFileSync } from "node:fs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { ConvPoolGeometry } from "./kernels/Conv2DMaxPoolGrad";
import type { ConvGeometry } from "./kernels/conv";

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
    ...geometry: ConvPoolGeometry
  ): void;
  convPoolForward(
    x: number,
    w: number,
    bias: number,
    win: number,
    y: number,
    cand: number,
    relu: number,
    ...geometry: ConvPoolGeometry
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
  convFilterGrad(x: number, dy: number, dwT: number, ...geometry: ConvGeometry): void;
  convInputGrad(dx: number, dy: number, wT: number, ...geometry: ConvGeometry): void;
  convForward(x: number, w: number, y: number, ...geometry: ConvGeometry): void;
}

let loaded: SimdKernels | null = null;

function memoryOf(backend: BackendWasm): WebAssembly.Memory {
  // Emscripten keeps the instance's exports on `asm`; its memory is what every tensor lives in.
  const mem = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(mem instanceof WebAssembly.Memory)) throw new Error("the tfjs wasm module does not expose its memory");
  return mem;
}

let compiled: WebAssembly.Module | null = null;

const MADD = "(f32x4.relaxed_madd";

/**
 * The kernels' text with every `(f32x4.relaxed_madd a b c)` written as `(f32x4.add (f32x4.mul a b)
 * c)`: plain SIMD, for engines without relaxed SIMD (Node 20's V8 has it only behind a flag).
 * The operands are parenthesised expressions, read by matching parentheses.
 */
export function withoutRelaxedSimd(source: string): string {
  let out = "";
  let at = 0;
  for (let i = source.indexOf(MADD); i >= 0; i = source.indexOf(MADD, at)) {
    out += source.slice(at, i);
    let p = i + MADD.length;
    const operands: string[] = [];
    for (let k = 0; k < 3; k++) {
      while (/\s/.test(source[p])) p++;
      if (source[p] !== "(") throw new Error(`relaxed_madd operand at ${p} is not an expression`);
      let depth = 0;
      const start = p;
      do {
        if (source[p] === "(") depth++;
        else if (source[p] === ")") depth--;
        p++;
      } while (depth > 0);
      operands.push(withoutRelaxedSimd(source.slice(start, p)));
    }
    while (/\s/.test(source[p])) p++;
    if (source[p] !== ")") throw new Error(`relaxed_madd at ${i} has more than three operands`);
    out += `(f32x4.add (f32x4.mul ${operands[0]} ${operands[1]}) ${operands[2]})`;
    at = p + 1;
  }
  return out + source.slice(at);
}

/** Assembles WebAssembly text into a binary (wabt), or null when this engine cannot compile it. */
async function assembleText(source: string, relaxed: boolean): Promise<Uint8Array<ArrayBuffer> | null> {
  const { default: initWabt } = await import("wabt");
  const wabt = await initWabt();
  const mod = wabt.parseWat("kernels.wat", source, { simd: true, relaxed_simd: relaxed });
  try {
    mod.validate();
    const binary = mod.toBinary({}).buffer as Uint8Array<ArrayBuffer>;
    return WebAssembly.validate(binary) ? binary : null;
  } finally {
    mod.destroy();
  }
}

/** The kernels' text as this repository holds it. */
export function kernelSource(): string {
  return readFileSync(new URL("./simd/kernels.wat", import.meta.url), "utf8");
}

async function assemble(): Promise<WebAssembly.Module> {
  const source = kernelSource();
  // Relaxed SIMD where the engine has it (fused multiply-adds), plain SIMD otherwise.
  const binary = (await assembleText(source, true)) ?? (await assembleText(withoutRelaxedSimd(source), false));
  if (!binary) throw new Error("this engine cannot compile the SIMD kernels");
  return new WebAssembly.Module(binary);
}

/** The kernels assembled without relaxed SIMD (what an engine without it runs), for the tests. */
export async function plainSimdModule(): Promise<WebAssembly.Module> {
  const binary = await assembleText(withoutRelaxedSimd(kernelSource()), false);
  if (!binary) throw new Error("this engine cannot compile the plain SIMD kernels");
  return new WebAssembly.Module(binary);
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

/** An instance of a kernel module on this backend's memory (loadSimdKernels keeps one per thread). */
export function instantiateOn(backend: BackendWasm, module: WebAssembly.Module): SimdKernels {
  return new WebAssembly.Instance(module, { env: { memory: memoryOf(backend) } }).exports as unknown as SimdKernels;
}

/** Instantiates the kernels against this backend's memory (once per thread). */
export async function loadSimdKernels(backend: BackendWasm): Promise<SimdKernels> {
  if (loaded) return loaded;
  loaded = instantiateOn(backend, await simdModule());
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
