// worker/main.ts's plan: how many processes a machine runs and what each is told, for the
// CPU, tfjs-node-gpu (one process per GPU) and webgpu (several jobs sharing one GPU) cases.
import { describe, expect, it } from "vitest";
import { GPU_JOBS_DEFAULT, planWorkers } from "@/worker/gpu-plan";

const cpuMachine = { cores: 2, tfjsNodeGpu: false, nvidia: [] };
const h200 = { cores: 16, tfjsNodeGpu: false, nvidia: [{ memoryMiB: 143_771 }] };

describe("planWorkers", () => {
  it("runs one process on a CPU machine, and splits the cores between explicit ones", () => {
    const one = planWorkers({}, cpuMachine);
    expect([one.mode, one.processes, one.envFor(0)]).toEqual(["cpu", 1, {}]);
    const four = planWorkers({ CATWALK_WORKER_CONCURRENCY: 4 }, { ...cpuMachine, cores: 16 });
    expect([four.mode, four.processes, four.envFor(3)]).toEqual(["cpu", 4, { CATWALK_TRAIN_THREADS: "4" }]);
  });

  it("shares one GPU between GPU_JOBS_DEFAULT webgpu jobs, each with its part of the GPU's memory", () => {
    const plan = planWorkers({}, h200);
    expect(plan.mode).toBe("webgpu");
    expect(plan.processes).toBe(GPU_JOBS_DEFAULT);
    expect(plan.envFor(0)).toEqual({
      CATWALK_TRAIN_THREADS: "1",
      CATWALK_GPU_MEMORY_MB: String(Math.floor((143_771 * 0.9) / GPU_JOBS_DEFAULT)),
    });
    expect(plan.description).toContain("sharing one GPU");
  });

  it("takes CATWALK_GPU_JOBS and CATWALK_GPU_MEMORY_MB as given, also without an NVIDIA GPU (SwiftShader)", () => {
    const plan = planWorkers(
      { CATWALK_GPU_JOBS: 2, CATWALK_GPU_MEMORY_MB: 512, CATWALK_BACKEND: "webgpu" },
      cpuMachine,
    );
    expect([plan.mode, plan.processes, plan.envFor(1)]).toEqual([
      "webgpu",
      2,
      { CATWALK_TRAIN_THREADS: "1", CATWALK_GPU_MEMORY_MB: "512" },
    ]);
    // No memory figure to split: the adapter's own limits apply.
    expect(planWorkers({ CATWALK_BACKEND: "webgpu" }, cpuMachine).envFor(0)).toEqual({ CATWALK_TRAIN_THREADS: "1" });
  });

  it("keeps one process per GPU for tfjs-node-gpu, and the CPU when a CPU backend is forced", () => {
    const two = { cores: 32, tfjsNodeGpu: true, nvidia: [{ memoryMiB: 81_920 }, { memoryMiB: 81_920 }] };
    const cuda = planWorkers({}, two);
    expect([cuda.mode, cuda.processes, cuda.envFor(1)]).toEqual(["cuda", 2, { CUDA_VISIBLE_DEVICES: "1" }]);
    expect(planWorkers({ CATWALK_BACKEND: "webgpu" }, two).mode).toBe("webgpu");
    expect(planWorkers({ CATWALK_BACKEND: "wasm" }, h200).mode).toBe("cpu");
  });
});
