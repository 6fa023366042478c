// How many worker processes this machine runs, and what each is told (worker/main.ts runs the
// plan). Pure: the machine is described by its caller, so every case is unit-tested.
//
// - tfjs-node-gpu installed and NVIDIA GPUs visible: one process per GPU (CUDA_VISIBLE_DEVICES),
//   as tfjs-node-gpu uses a whole GPU.
// - otherwise a GPU for the webgpu backend (NVIDIA GPUs visible, CATWALK_BACKEND=webgpu, or
//   CATWALK_GPU_JOBS set): CATWALK_GPU_JOBS processes share one GPU, each on its own WebGPU device
//   with a bounded share of its memory (CATWALK_GPU_MEMORY_MB). One small CNN keeps a big GPU
//   mostly idle (its kernels are short and each step waits on the host), so several jobs at once
//   is where the throughput is.
// - otherwise the CPU: one process (or CATWALK_WORKER_CONCURRENCY), each training on its share of
//   the cores.

/**
 * Jobs per GPU by default. NOT measured on a GPU yet (no GPU machine was available to this
 * project when it was set): `npm run bench:gpu` measures the 16-job burst at 1, 2, 4 and 8 jobs
 * (bench/results/gpu.json); set this from its best figure once it has run on one.
 */
export const GPU_JOBS_DEFAULT = 4;
/** Of a GPU's memory, the part the jobs may split between them (the rest: driver, other users). */
const GPU_MEMORY_SHARE = 0.9;

export interface MachineGpus {
  cores: number;
  /** @tensorflow/tfjs-node-gpu is installed. */
  tfjsNodeGpu: boolean;
  /** NVIDIA GPUs nvidia-smi lists, with their memory (MiB) when it said. */
  nvidia: { memoryMiB: number | null }[];
}

export interface PlanInput {
  CATWALK_WORKER_CONCURRENCY?: number;
  CATWALK_TRAIN_THREADS?: number;
  CATWALK_GPU_JOBS?: number;
  CATWALK_GPU_MEMORY_MB?: number;
  CATWALK_BACKEND?: string;
}

export interface WorkerPlan {
  mode: "cpu" | "cuda" | "webgpu";
  processes: number;
  /** Variables each process gets on top of the supervisor's environment, by slot. */
  envFor: (slot: number) => Record<string, string>;
  /** One line for the log. */
  description: string;
}

export function planWorkers(env: PlanInput, machine: MachineGpus): WorkerPlan {
  const cpuBackend = env.CATWALK_BACKEND !== undefined && env.CATWALK_BACKEND !== "webgpu";
  if (
    env.CATWALK_WORKER_CONCURRENCY === undefined &&
    env.CATWALK_GPU_JOBS === undefined &&
    machine.tfjsNodeGpu &&
    machine.nvidia.length > 0 &&
    (env.CATWALK_BACKEND === undefined || env.CATWALK_BACKEND === "tensorflow-gpu")
  ) {
    const n = machine.nvidia.length;
    return {
      mode: "cuda",
      processes: n,
      // Each process sees one GPU, so N processes use N GPUs.
      envFor: (slot) => ({ CUDA_VISIBLE_DEVICES: String(slot) }),
      description: `${n} process${n === 1 ? "" : "es"} (one per GPU, tfjs-node-gpu)`,
    };
  }
  const webgpu =
    !cpuBackend &&
    (env.CATWALK_GPU_JOBS !== undefined || env.CATWALK_BACKEND === "webgpu" || machine.nvidia.length > 0);
  if (webgpu && env.CATWALK_WORKER_CONCURRENCY === undefined) {
    const jobs = env.CATWALK_GPU_JOBS ?? GPU_JOBS_DEFAULT;
    // Dawn opens the first adapter it finds: with several GPUs the jobs still share the first.
    const gpuMiB = machine.nvidia[0]?.memoryMiB ?? null;
    const perJob = env.CATWALK_GPU_MEMORY_MB ?? (gpuMiB ? Math.floor((gpuMiB * GPU_MEMORY_SHARE) / jobs) : undefined);
    return {
      mode: "webgpu",
      processes: jobs,
      envFor: () => ({
        // The GPU does the arithmetic: a host thread per job is what each one needs.
        CATWALK_TRAIN_THREADS: String(env.CATWALK_TRAIN_THREADS ?? 1),
        ...(perJob ? { CATWALK_GPU_MEMORY_MB: String(perJob) } : {}),
      }),
      description: `${jobs} process${jobs === 1 ? "" : "es"} sharing one GPU (webgpu${perJob ? `, ${perJob} MiB of GPU memory each` : ""})`,
    };
  }
  const n = env.CATWALK_WORKER_CONCURRENCY ?? 1;
  // Several CPU worker processes on one machine share its cores: each trains on its share of them
  // (trainer/train/run.ts would otherwise give every process one thread per core).
  const threads =
    n > 1 && env.CATWALK_TRAIN_THREADS === undefined ? String(Math.max(1, Math.floor(machine.cores / n))) : undefined;
  return {
    mode: "cpu",
    processes: n,
    envFor: (): Record<string, string> => (threads ? { CATWALK_TRAIN_THREADS: threads } : {}),
    description: `${n} process${n === 1 ? "" : "es"}`,
  };
}
