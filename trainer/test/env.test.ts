import { describe, expect, it } from "vitest";
import { selectBackend } from "../backend/select";
import { searchDirs } from "../data/paths";
import { readEnv } from "../env";
import { TrainerError } from "../errors";
import { trainingThreads } from "../train/run";

const cnn = { backend: "wasm", batchSize: 32, trainSamples: 54_000, flopsPerSample: 2e6, params: 1e5 } as const;

describe("the trainer's environment", () => {
  it("treats unset and empty variables alike", () => {
    expect(readEnv("CATWALK_TRAIN_THREADS", {})).toBeUndefined();
    expect(readEnv("CATWALK_TRAIN_THREADS", { CATWALK_TRAIN_THREADS: "" })).toBeUndefined();
    expect(searchDirs({ FASHION_MNIST_DIR: "" }, "/cache", "/system")).toEqual(["/system", "/cache"]);
  });

  it("rejects a bad value with an error naming the variable", async () => {
    for (const bad of ["abc", "2.5", "0"]) {
      expect(() => trainingThreads(cnn, undefined, { CATWALK_TRAIN_THREADS: bad })).toThrow(
        `CATWALK_TRAIN_THREADS="${bad}" is invalid: must be a whole number ≥ 1`,
      );
    }
    // An explicit request does not read the variable, so it cannot fail on it.
    expect(trainingThreads(cnn, 2, { CATWALK_TRAIN_THREADS: "abc" })).toBe(2);
    const e = (() => {
      try {
        readEnv("CATWALK_BACKEND", { CATWALK_BACKEND: "gpu" });
      } catch (error) {
        return error;
      }
    })();
    expect(e).toBeInstanceOf(TrainerError);
    expect((e as TrainerError).code).toBe("BACKEND_UNAVAILABLE");
    expect((e as TrainerError).message).toBe(
      'CATWALK_BACKEND="gpu" is invalid: must be one of tensorflow-gpu, webgpu, tensorflow, wasm, cpu',
    );
  });

  it("reads process.env when called, not when imported", async () => {
    const before = process.env.CATWALK_BACKEND;
    process.env.CATWALK_BACKEND = "no-such-backend";
    try {
      await expect(selectBackend()).rejects.toThrow('CATWALK_BACKEND="no-such-backend" is invalid');
    } finally {
      if (before === undefined) delete process.env.CATWALK_BACKEND;
      else process.env.CATWALK_BACKEND = before;
    }
  });
});
