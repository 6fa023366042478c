// The WebGPU backend: tfjs's webgpu kernels on Dawn's Node binding (npm `webgpu`, which ships
// dawn.node in the package: no CUDA install, any Vulkan / Metal / D3D12 GPU). We register the
// backend ourselves instead of using tfjs-backend-webgpu's own registration, for four reasons:
// - the adapter decides: a software adapter (SwiftShader, what the tests here run on) is refused
//   unless the caller forced webgpu, so a CPU machine never "trains on the GPU" at 7 samples/s;
// - the adapter is recorded (vendor, architecture, description) with every result;
// - each job's GPU memory is bounded: every buffer the device creates is counted, and one that
//   would take the process past its budget is refused with a named error (see GpuMemoryError);
// - a lost device (driver reset, GPU fallen off the bus, or destroy()) is noticed, so the run
//   stops as the machine's fault and the next selectBackend() starts on a fresh device.
import * as tf from "@tensorflow/tfjs";
import type { GpuAdapter } from "../export/adapter";

export type { GpuAdapter };

export interface WebGpuOptions {
  /** Accept a software adapter (only when webgpu was asked for by name). */
  allowSoftware: boolean;
  /** The most GPU memory this process may allocate, in bytes (undefined: the adapter's). */
  memoryLimitBytes?: number;
}

/** Thrown from a buffer allocation that would pass the process's GPU memory budget. */
export class GpuMemoryError extends Error {
  constructor(
    readonly requestedBytes: number,
    readonly allocatedBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      `GPU memory budget exceeded: ${mib(allocatedBytes)} in use + ${mib(requestedBytes)} requested > ${mib(limitBytes)} allowed per job`,
    );
    this.name = "GpuMemoryError";
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

interface DeviceState {
  device: GPUDevice;
  adapter: GpuAdapter;
  /** Why the device was lost, once it was. */
  lost: string | null;
  /** Bytes in live buffers this process created on the device (pooled ones included). */
  allocatedBytes: number;
  peakBytes: number;
  limitBytes: number | null;
}

let state: DeviceState | null = null;

/** Sets up `navigator.gpu` from Dawn's binding, once per process. */
async function gpuEntry(): Promise<GPU> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator?.gpu) return g.navigator.gpu;
  // A variable specifier keeps bundlers and tsc from requiring the package where it isn't wanted.
  const spec: string = "webgpu";
  const dawn = (await import(spec)) as { create: (flags: string[]) => GPU; globals: object };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  // Node 21+ defines a read-only `navigator` without `gpu`: add the property to it.
  if (g.navigator) Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
  return gpu;
}

function adapterOf(info: GPUAdapterInfo): GpuAdapter {
  const architecture = info.architecture ?? "";
  return {
    vendor: info.vendor ?? "",
    architecture,
    device: info.device ?? "",
    description: info.description ?? "",
    // Dawn reports SwiftShader as the fallback adapter; older builds only by its architecture.
    software:
      (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
      /swiftshader|llvmpipe|lavapipe/i.test(`${architecture} ${info.description ?? ""}`),
  };
}

/** Counts every buffer the device creates and refuses one past the budget. */
function meterBuffers(s: DeviceState): void {
  const device = s.device;
  const create = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor): GPUBuffer => {
    const size = descriptor.size;
    if (s.limitBytes !== null && s.allocatedBytes + size > s.limitBytes) {
      // tfjs keeps released buffers in a pool for reuse: give those back before refusing.
      releasePooledBuffers();
      if (s.allocatedBytes + size > s.limitBytes) throw new GpuMemoryError(size, s.allocatedBytes, s.limitBytes);
    }
    const buffer = create(descriptor);
    s.allocatedBytes += size;
    s.peakBytes = Math.max(s.peakBytes, s.allocatedBytes);
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.destroy = () => {
      if (!destroyed) {
        destroyed = true;
        s.allocatedBytes -= size;
      }
      destroy();
    };
    return buffer;
  };
}

interface PooledBuffers {
  bufferManager?: { freeBuffers: Map<string, GPUBuffer[]>; numFreeBuffers: number; numBytesAllocated: number };
}

/** Destroys the buffers tfjs's buffer manager keeps for reuse (tfjs 4.22's field names). */
function releasePooledBuffers(): void {
  const manager = (tf.findBackend("webgpu") as unknown as PooledBuffers | null)?.bufferManager;
  if (!manager) return;
  for (const buffers of manager.freeBuffers.values()) {
    for (const b of buffers.splice(0)) {
      manager.numBytesAllocated -= b.size;
      b.destroy();
    }
  }
  manager.numFreeBuffers = 0;
}

/**
 * Registers tfjs's 'webgpu' backend on a fresh device of the best adapter. Returns the adapter,
 * or why it can't be used (no adapter, a software one not asked for, no device).
 */
export async function setUpWebGpu(opts: WebGpuOptions): Promise<GpuAdapter | string> {
  if (state && !state.lost) return state.adapter;
  const gpu = await gpuEntry();
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) return "no WebGPU adapter (no Vulkan/Metal/D3D12 GPU driver found)";
  // `info` is newer than the GPU types TypeScript ships here (it replaced requestAdapterInfo()).
  const adapterInfo = (adapter as GPUAdapter & { info: GPUAdapterInfo }).info;
  const info = adapterOf(adapterInfo);
  if (info.software && !opts.allowSoftware)
    return `only a software adapter (${info.vendor} ${info.architecture}: ${info.description}); set CATWALK_BACKEND=webgpu to use it`;
  const limits = adapter.limits;
  const cap = (n: number) => (opts.memoryLimitBytes ? Math.min(n, opts.memoryLimitBytes) : n);
  const device = await adapter.requestDevice({
    // The limits tfjs's own registration asks for (it sizes workgroups and bindings by them).
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: cap(limits.maxStorageBufferBindingSize),
      maxBufferSize: cap(limits.maxBufferSize),
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  const s: DeviceState = {
    device,
    adapter: info,
    lost: null,
    allocatedBytes: 0,
    peakBytes: 0,
    limitBytes: opts.memoryLimitBytes ?? null,
  };
  void device.lost.then((why) => {
    s.lost = `${why.reason ?? "unknown"}: ${why.message || "the GPU device was lost"}`;
  });
  meterBuffers(s);
  // The backend package registers its own factory at import when navigator.gpu exists; ours,
  // on the device above, replaces it (and a lost device's backend, on a second call).
  const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
  if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
  tf.registerBackend("webgpu", () => new WebGPUBackend(device, adapterInfo), 3);
  state = s;
  return info;
}

/** Why the current device was lost, or null while it works (or none was set up). */
export function webgpuDeviceLost(): string | null {
  return state?.lost ?? null;
}

/** GPU memory this process holds and the most it held (bytes), while a device is set up. */
export function webgpuMemory(): { allocatedBytes: number; peakBytes: number; limitBytes: number | null } | null {
  return state
    ? { allocatedBytes: state.allocatedBytes, peakBytes: state.peakBytes, limitBytes: state.limitBytes }
    : null;
}

/**
 * Destroys the device, which is what a driver reset looks like to the process: tests and the
 * worker's fault injection use it to check that a lost device costs no run.
 */
export function loseWebGpuDevice(): boolean {
  if (!state || state.lost) return false;
  state.device.destroy();
  return true;
}
