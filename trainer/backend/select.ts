import { existsSync, readdirSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { readEnv } from "../env";
import { TrainerError } from "../errors";
import { adapterLabel, type GpuAdapter } from "../export/adapter";
import { BACKEND_NAMES, type BackendName } from "./names";

export type { BackendName, GpuAdapter };
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
  /** The GPU it runs on (webgpu): recorded with every result. */
  adapter?: GpuAdapter;
}

// tfjs-node-gpu falls back to the CPU silently when CUDA is absent, so only try it when the
// NVIDIA driver exposes a GPU (that file exists whenever the kernel driver has one).
function hasNvidiaGpu(): boolean {
  return existsSync("/proc/driver/nvidia/gpus") || existsSync("/dev/nvidia0");
}

// Loading Dawn on a machine without a GPU costs time and prints Vulkan loader warnings on
// stderr (a software driver it refuses, say): on Linux, look for a GPU's device node first.
// Other systems have no such cheap test; Dawn is asked there.
function mayHaveGpu(): boolean {
  if (process.platform !== "linux") return true;
  if (hasNvidiaGpu()) return true;
  try {
    return readdirSync("/dev/dri").some((name) => name.startsWith("renderD"));
  } catch {
    return false;
  }
}

async function importOptional(name: string): Promise<void> {
  // A variable specifier keeps bundlers and tsc from requiring the optional package.
  const spec: string = name;
  await import(spec);
}

async function tryBackend(name: BackendName, forced: boolean): Promise<string | null> {
  switch (name) {
    case "tensorflow-gpu":
      if (!hasNvidiaGpu()) return "no NVIDIA GPU visible";
      await importOptional("@tensorflow/tfjs-node-gpu");
      break;
    case "webgpu": {
      if (!forced && !mayHaveGpu()) return "no GPU device (/dev/nvidia*, /dev/dri/renderD*)";
      const { setUpWebGpu } = await import("./webgpu");
      const mb = readEnv("CATWALK_GPU_MEMORY_MB");
      // A software adapter only when webgpu was asked for by name (tests on SwiftShader).
      const adapter = await setUpWebGpu({ allowSoftware: forced, memoryLimitBytes: mb ? mb * 2 ** 20 : undefined });
      if (typeof adapter === "string") return adapter;
      gpuAdapter = adapter;
      break;
    }
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

/** "wasm", or "webgpu · nvidia hopper (NVIDIA H200)": for logs and the Worker row. */
export function backendLabel(info: BackendInfo): string {
  return info.adapter ? `${info.name} · ${adapterLabel(info.adapter)}` : info.name;
}

let current: BackendInfo | null = null;
let simdFailure: string | null = null;
let gpuAdapter: GpuAdapter | null = null;

/** A webgpu device that was lost can't train again: the next selection starts a fresh one. */
async function stillUsable(info: BackendInfo): Promise<boolean> {
  if (info.name !== "webgpu") return true;
  const { webgpuDeviceLost } = await import("./webgpu");
  return webgpuDeviceLost() === null;
}

/**
 * Picks the fastest backend that loads: tfjs-node-gpu (with a GPU) → webgpu (on a hardware
 * adapter) → tfjs-node → wasm (with the replaced kernels) → cpu. `CATWALK_BACKEND` or `prefer`
 * forces one (and fails if it can't load); a forced webgpu accepts a software adapter.
 */
export async function selectBackend(
  prefer: BackendName | undefined = readEnv("CATWALK_BACKEND"),
): Promise<BackendInfo> {
  if (current && (!prefer || current.name === prefer) && (await stillUsable(current))) return current;
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
      why = await tryBackend(name, prefer !== undefined);
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
        ...(name === "webgpu" && gpuAdapter ? { adapter: gpuAdapter } : {}),
      };
      return current;
    }
    skipped.push(`${name}: ${why}`);
  }
  throw new TrainerError("BACKEND_UNAVAILABLE", `no TensorFlow.js backend could be loaded (${skipped.join("; ")})`);
}
