import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FIXTURE_DIR, loadFashionMnist } from "../data/fashionMnist";
import { encodeIdx, parseIdx } from "../data/idx";
import { FILES, findDataDir, searchDirs } from "../data/paths";
import { TrainerError } from "../errors";

describe("IDX reader", () => {
  it("round-trips gzipped and plain IDX", () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const raw = encodeIdx([2, 3, 4], data);
    for (const buf of [raw, new Uint8Array(gzipSync(raw))]) {
      const a = parseIdx(buf);
      expect(a.shape).toEqual([2, 3, 4]);
      expect([...a.data]).toEqual([...data]);
    }
  });
  it("rejects bad magic, wrong type and truncated payloads", () => {
    expect(() => parseIdx(Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 1, 5]))).toThrow(/magic/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 5]))).toThrow(/element type/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 5]))).toThrow(/payload is 1 bytes, header says 3/);
  });
});

describe("loadFashionMnist", () => {
  it("reads the committed fixture subset with the right shapes and all 10 classes", async () => {
    const d = await loadFashionMnist({ subset: "fixture" });
    expect(d.train.count).toBe(2000);
    expect(d.test.count).toBe(1000);
    expect(d.train.images.length).toBe(2000 * 784);
    expect(new Set(d.train.labels).size).toBe(10);
    // First official training label is 9 (Ankle boot), first test label 9 too.
    expect(d.train.labels[0]).toBe(9);
    expect(d.test.labels[0]).toBe(9);
  });
  it("honours FASHION_MNIST_DIR first and takes a deterministic head subset", async () => {
    const env: NodeJS.ProcessEnv = { NODE_ENV: "test", FASHION_MNIST_DIR: FIXTURE_DIR, HOME: "/nonexistent" };
    expect(searchDirs(env, "/cache")[0]).toBe(FIXTURE_DIR);
    const d = await loadFashionMnist({
      env,
      subset: { train: 100, test: 10 },
      cacheDir: "/nonexistent",
      download: false,
    });
    const full = await loadFashionMnist({ subset: "fixture" });
    expect(d.source).toBe(FIXTURE_DIR);
    expect(d.train.count).toBe(100);
    expect([...d.train.labels]).toEqual([...full.train.labels.slice(0, 100)]);
  });
  it("findDataDir (shared with the web app) returns the first searched directory holding all four files", () => {
    const partial = mkdtempSync(join(tmpdir(), "fm-partial-"));
    for (const f of [FILES.testImages, FILES.testLabels]) copyFileSync(join(FIXTURE_DIR, f), join(partial, f));
    const env: NodeJS.ProcessEnv = { NODE_ENV: "test", FASHION_MNIST_DIR: partial };
    expect(findDataDir(env, FIXTURE_DIR, "/nonexistent")).toBe(FIXTURE_DIR);
    expect(findDataDir({ NODE_ENV: "test", FASHION_MNIST_DIR: FIXTURE_DIR }, "/nonexistent", "/nonexistent")).toBe(
      FIXTURE_DIR,
    );
    expect(findDataDir(env, "/nonexistent", "/nonexistent")).toBeUndefined();
  });
  it("fails with DATA_UNAVAILABLE and says how to get the data when nothing is found", async () => {
    const empty = mkdtempSync(join(tmpdir(), "fm-"));
    const p = loadFashionMnist({ dir: empty });
    await expect(p).rejects.toBeInstanceOf(TrainerError);
    await expect(p).rejects.toMatchObject({
      code: "DATA_UNAVAILABLE",
      message: expect.stringMatching(/apt-get install dataset-fashion-mnist/),
    });
  });
  it("downloads into the cache when nothing is found, and rejects a file with the wrong MD5", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "fm-cache-"));
    const served: string[] = [];
    const fakeFetch = (async (url: string | URL) => {
      served.push(String(url));
      return new Response(new Uint8Array(readFileSync(join(FIXTURE_DIR, FILES.trainLabels))));
    }) as typeof fetch;
    const p = loadFashionMnist({
      env: { NODE_ENV: "test", FASHION_MNIST_DIR: "/nonexistent" },
      systemDir: "/nonexistent",
      cacheDir,
      fetchImpl: fakeFetch,
    });
    await expect(p).rejects.toMatchObject({ code: "DATA_UNAVAILABLE", message: expect.stringMatching(/MD5/) });
    expect(served[0]).toMatch(/^http:\/\/fashion-mnist\.s3-website/);
  });
  it("reports a corrupt file as DATA_UNAVAILABLE, naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fm-bad-"));
    for (const f of Object.values(FILES)) copyFileSync(join(FIXTURE_DIR, f), join(dir, f));
    writeFileSync(join(dir, FILES.testLabels), gzipSync(encodeIdx([3], Uint8Array.from([1, 2, 3]))));
    await expect(loadFashionMnist({ dir })).rejects.toMatchObject({
      code: "DATA_UNAVAILABLE",
      message: expect.stringMatching(/3 labels for 1000 images/),
    });
  });
});
