// Each GPU job's memory is bounded (CATWALK_GPU_MEMORY_MB): every buffer the WebGPU device
// creates is counted, and a run that needs more than its share fails with a named, specific
// error instead of starving the jobs it shares the GPU with. On SwiftShader (a software Vulkan
// driver from Debian's chromium), the same code path as on a GPU.
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { type FashionMnist, loadFashionMnist, runTraining, selectBackend, webgpuMemory } from "..";

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";
const LIMIT_MB = 16;
let data: FashionMnist;

beforeAll(async () => {
  if (!existsSync(SWIFTSHADER_ICD))
    throw new Error(`${SWIFTSHADER_ICD} is missing: apt-get install chromium libvulkan1`);
  // Read by Dawn when its instance is made, and by the trainer when it sets up the device.
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  process.env.CATWALK_GPU_MEMORY_MB = String(LIMIT_MB);
  const backend = await selectBackend("webgpu");
  expect(backend.adapter).toMatchObject({ architecture: "swiftshader", software: true });
  const all = await loadFashionMnist();
  const head = (s: FashionMnist["train"], n: number) => ({
    images: s.images.subarray(0, n * 784),
    labels: s.labels.subarray(0, n),
    count: n,
  });
  data = { ...all, train: head(all.train, 256), test: head(all.test, 64) };
});

const dense = (units: number) => ({
  layers: [
    { type: "Flatten", inputShape: [28, 28, 1] },
    { type: "Dense", units, activation: "relu" },
    { type: "Dense", units: 10, activation: "softmax" },
  ],
});
const training = { maxEpochs: 1, batchSize: 64, earlyStopping: null, validationSplit: 0 };

describe("the webgpu backend's memory budget", { timeout: 120_000 }, () => {
  it("trains a model that fits, and never holds more than the budget", async () => {
    const out = await runTraining({ architecture: dense(32), training, data, backend: "webgpu" });
    expect(out.backend).toBe("webgpu");
    const m = webgpuMemory()!;
    expect(m.limitBytes).toBe(LIMIT_MB * 2 ** 20);
    expect(m.peakBytes).toBeGreaterThan(0);
    expect(m.peakBytes).toBeLessThanOrEqual(m.limitBytes!);
  });

  it("refuses a model whose weights and Adam's moments need more, naming the budget and the batch size", async () => {
    // 784×2048 weights: 6.4 MB, and Adam keeps two more of each: past 16 MiB before the first step.
    await expect(runTraining({ architecture: dense(2048), training, data, backend: "webgpu" })).rejects.toMatchObject({
      code: "INVALID_CONFIG",
      message: expect.stringMatching(
        /GPU memory budget exceeded: .* > 16\.0 MiB allowed per job.*smaller batchSize than 64/,
      ),
    });
    // The device is still usable: the next run trains.
    const again = await runTraining({ architecture: dense(16), training, data, backend: "webgpu" });
    expect(again.testSamples).toBe(64);
  });
});
