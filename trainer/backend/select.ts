import { existsSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { readEnv } from "../env";
import { TrainerError } from "../errors";
import { BACKEND_NAMES, type BackendName } from "./names";

export type { BackendName };
export interface BackendInfo {
  /** What trained the model; stored with every result. */
  name: BackendName;
  /** tfjs's own backend name ('tensorflow', 'wasm', 'cpu'). */
  tfjsBackend: string;
  version: string;
  /** Why the faster ones were skipped, in order tried. */
  skipped: string[];
  /** Kernels replaced on wasm (see kernels/index.ts). */
  patchedKernels: string[];
  simd?: boolean;
  /** Our own wasm SIMD kernels (trainer/backend/simd/kernels.wat) that loaded. */
  simdKernels?: string[];
  simdKernelsError?: string;
}

// tfjs-node-gpu falls back to the CPU silently when CUDA is absent, so only try it when the
// NVIDIA driver exposes a GPU (that file exists whenever the kernel driver has one).
function hasNvidiaGpu(): boolean {
  return existsSync("/proc/driver/nvidia/gpus") || existsSync("/dev/nvidia0");
}

async function importOptional(name: string): Promise<void> {
  // A variable specifier keeps bundlers and tsc from requiring the optional package.
  const spec: string = name;
  await import(spec);
}

async function tryBackend(name: BackendName): Promise<string | null> {
  switch (name) {
    case "tensorflow-gpu":
      if (!hasNvidiaGpu()) return "no NVIDIA GPU visible";
      await importOptional("@tensorflow/tfjs-node-gpu");
      break;
    case "tensorflow":
      await importOptional("@tensorflow/tfjs-node");
      break;
    case "wasm": {
      await import("@tensorflow/tfjs-backend-wasm");
      break;
    }
    case "cpu":
      break;
  }
  const tfjsName = name === "tensorflow-gpu" ? "tensorflow" : name;
  if (!(await tf.setBackend(tfjsName))) return `tf.setBackend('${tfjsName}') failed`;
  await tf.ready();
  if (name === "wasm") {
    const { installWasmKernels } = await import("./kernels");
    installWasmKernels();
    try {
      const { loadSimdKernels } = await import("./simd");
      await loadSimdKernels(tf.backend() as unknown as import("@tensorflow/tfjs-backend-wasm").BackendWasm);
    } catch (e) {
      // The JS versions of these kernels still work; only slower.
      simdFailure = (e as Error).message.split("\n")[0];
    }
  }
  return null;
}

let current: BackendInfo | null = null;
let simdFailure: string | null = null;

/**
 * Picks the fastest backend that loads: tfjs-node-gpu (with a GPU) → tfjs-node → wasm (with the
 * replaced kernels) → cpu. `CATWALK_BACKEND` or `prefer` forces one (and fails if it can't load).
 */
export async function selectBackend(
  prefer: BackendName | undefined = readEnv("CATWALK_BACKEND"),
): Promise<BackendInfo> {
  if (current && (!prefer || current.name === prefer)) return current;
  if (prefer && !BACKEND_NAMES.includes(prefer)) {
    throw new TrainerError(
      "BACKEND_UNAVAILABLE",
      `unknown backend '${prefer}' (choose from ${BACKEND_NAMES.join(", ")})`,
    );
  }
  const skipped: string[] = [];
  for (const name of prefer ? [prefer] : BACKEND_NAMES) {
    let why: string | null;
    try {
      why = await tryBackend(name);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      why =
        code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND"
          ? "not installed"
          : (e as Error).message.split("\n")[0];
    }
    if (why === null) {
      const kernels = name === "wasm" ? await import("./kernels") : null;
      current = {
        name,
        tfjsBackend: tf.getBackend(),
        version: tf.version.tfjs,
        skipped,
        patchedKernels: kernels ? [...kernels.REPLACED_KERNELS] : [],
        ...(kernels
          ? {
              simd: tf.env().getBool("WASM_HAS_SIMD_SUPPORT"),
              simdKernels: simdFailure === null ? [...kernels.SIMD_KERNELS] : [],
              ...(simdFailure ? { simdKernelsError: simdFailure } : {}),
            }
          : {}),
      };
      return current;
    }
    skipped.push(`${name}: ${why}`);
  }
  throw new TrainerError("BACKEND_UNAVAILABLE", `no TensorFlow.js backend could be loaded (${skipped.join("; ")})`);
}
