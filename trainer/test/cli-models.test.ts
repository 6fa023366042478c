// The CLI's model commands, run as a user runs them: train --save, export, predict.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "fast-png";
import { strFromU8, unzipSync } from "fflate";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_DIR,
  loadFashionMnist,
  loadModel,
  predictProbabilities,
  readModel,
  selectBackend,
  writeModelDir,
} from "..";
import { savedUntrained } from "./helpers/models";

const root = join(import.meta.dirname, "..", "..");
const cli = (...args: string[]) =>
  spawnSync(join(root, "node_modules", ".bin", "tsx"), [join(root, "trainer", "cli.ts"), ...args], {
    encoding: "utf8",
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
const dir = mkdtempSync(join(tmpdir(), "cli-models-"));
const modelDir = join(dir, "model");
const testImages = join(FIXTURE_DIR, "t10k-images-idx3-ubyte.gz");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Predictions = { predictions: { class: number; probabilities: number[] }[] };
/** `predict DIR IDX --limit 5 --json` of the model trained below, shared by the tests (each CLI run loads tfjs). */
let first5: Predictions;

describe("trainer CLI: saved models", () => {
  beforeAll(() => {
    // One short training run that every test below uses.
    const r = cli("train", "preset:report-cnn", "--subset", "fixture", "--epochs", "1", "--save", modelDir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const p = cli("predict", modelDir, testImages, "--limit", "5", "--json");
    expect(p.status).toBe(0);
    first5 = JSON.parse(p.stdout) as Predictions;
  }, 120_000);

  it("train --save DIR writes model.json, weights.bin and metadata.json", () => {
    for (const f of ["model.json", "weights.bin", "metadata.json"]) expect(existsSync(join(modelDir, f))).toBe(true);
    const meta = JSON.parse(readFileSync(join(modelDir, "metadata.json"), "utf8"));
    expect(meta).toMatchObject({ format: "catwalk-model/1", inputShape: [28, 28, 1], paramCount: 106_202, epochs: 1 });
    expect(JSON.parse(readFileSync(join(modelDir, "model.json"), "utf8")).format).toBe("layers-model");
  });

  it("predict DIR IDX --limit N --json prints each image's class and 10 probabilities, as the model computes them", async () => {
    const out = first5;
    expect(out.predictions).toHaveLength(5);
    await selectBackend();
    const data = await loadFashionMnist({ subset: "fixture" });
    const model = await loadModel(readModel(modelDir));
    const p = await predictProbabilities(model, data.test.images, 5);
    model.dispose();
    out.predictions.forEach((row, i) => {
      expect(row.probabilities).toHaveLength(10);
      expect(row.class).toBe(row.probabilities.indexOf(Math.max(...row.probabilities)));
      row.probabilities.forEach((v, c) => {
        expect(v).toBeCloseTo(p[i * 10 + c], 6);
      });
    });
  });

  it("predict takes 28×28 grayscale PNGs (scaled like the IDX pixels) and refuses other images by name", async () => {
    const data = await loadFashionMnist({ subset: "fixture" });
    const pngs = [0, 1, 2].map((i) => {
      const f = join(dir, `test-${i}.png`);
      const pixels = data.test.images.slice(i * 784, (i + 1) * 784);
      writeFileSync(f, encode({ width: 28, height: 28, data: pixels, channels: 1, depth: 8 }));
      return f;
    });
    const fromPng = JSON.parse(cli("predict", modelDir, ...pngs, "--json").stdout) as Predictions;
    expect(fromPng.predictions).toEqual(first5.predictions.slice(0, 3));

    const colour = join(dir, "colour.png");
    const rgb = new Uint8Array(28 * 28 * 3).map((_, i) => (i % 3 === 0 ? 200 : 10));
    writeFileSync(colour, encode({ width: 28, height: 28, data: rgb, channels: 3, depth: 8 }));
    const big = join(dir, "big.png");
    writeFileSync(big, encode({ width: 32, height: 32, data: new Uint8Array(32 * 32), channels: 1, depth: 8 }));
    for (const [file, msg] of [
      [colour, /colour\.png: PNG is in colour/],
      [big, /big\.png: PNG is 32×32; predict takes 28×28 grayscale images/],
      [join(FIXTURE_DIR, "t10k-labels-idx1-ubyte.gz"), /IDX shape is \(1000\)/],
      [join(dir, "missing.png"), /cannot read .*missing\.png: ENOENT/],
    ] as const) {
      const r = cli("predict", modelDir, file, "--json");
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error \[INVALID_INPUT\]: /);
      expect(r.stderr).toMatch(msg);
    }
  });

  it("export --format tfjs|keras|onnx writes each file, and onnxruntime agrees with predict", async () => {
    const outs = Object.fromEntries(
      (["tfjs", "keras", "onnx"] as const).map((format) => {
        const out = join(dir, `model.${format}`);
        const r = cli("export", modelDir, "--format", format, "--out", out);
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        return [format, readFileSync(out)];
      }),
    );
    expect(Object.keys(unzipSync(outs.tfjs)).sort()).toEqual(["metadata.json", "model.json", "weights.bin"]);
    const keras = unzipSync(outs.keras);
    expect(JSON.parse(strFromU8(keras["config.json"])).class_name).toBe("Sequential");
    // The exported zip is itself a model the CLI reads.
    const viaZip = JSON.parse(cli("predict", join(dir, "model.tfjs"), testImages, "--limit", "4", "--json").stdout);
    const viaDir = { predictions: first5.predictions.slice(0, 4) };
    expect(viaZip).toEqual(viaDir);
    const data = await loadFashionMnist({ subset: "fixture" });
    const session = await ort.InferenceSession.create(new Uint8Array(outs.onnx));
    const x = Float32Array.from(data.test.images.subarray(0, 4 * 784), (v) => v / 255);
    const y = (await session.run({ images: new ort.Tensor("float32", x, [4, 28, 28, 1]) })).probabilities
      .data as Float32Array;
    viaDir.predictions.forEach((row, i) => {
      row.probabilities.forEach((v, c) => {
        expect(Math.abs(v - y[i * 10 + c])).toBeLessThanOrEqual(1e-4);
      });
    });
  });

  it("exits 2 naming the layer when a format can't express it, and writes nothing", async () => {
    const unsupported = join(dir, "unsupported");
    writeModelDir(
      unsupported,
      await savedUntrained({
        inputShape: [28, 28, 1],
        layers: [{ type: "UpSampling2D" }, { type: "Flatten" }, { type: "Dense", units: 10, activation: "softmax" }],
      }),
    );
    const out = join(dir, "unsupported.onnx");
    const r = cli("export", unsupported, "--format", "onnx", "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "error [EXPORT_UNSUPPORTED]: can't export to ONNX: layer 'up_sampling2d' (UpSampling2D) is not supported\n",
    );
    expect(existsSync(out)).toBe(false);
  });

  it("exits 2 with a named error on a bad model directory, format or usage", () => {
    const bad = cli("export", join(dir, "nope"), "--format", "onnx", "--out", join(dir, "x.onnx"));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error \[MODEL_FILE\]: no saved model at .*nope/);
    writeFileSync(join(dir, "broken.zip"), "not a zip");
    const notZip = cli("predict", join(dir, "broken.zip"), testImages, "--json");
    expect(notZip.status).toBe(2);
    expect(notZip.stderr).toMatch(/^error \[MODEL_FILE\]: not a model archive \(zip\)/);
    const fmt = cli("export", modelDir, "--format", "pytorch", "--out", join(dir, "x"));
    expect(fmt.status).toBe(2);
    expect(fmt.stderr).toMatch(/--format must be one of tfjs, keras, onnx, got 'pytorch'/);
    expect(cli("export", modelDir, "--format", "onnx").stderr).toMatch(/export needs --out FILE/);
    expect(cli("predict", modelDir, testImages, "--limit", "0").stderr).toMatch(/--limit must be a positive integer/);
    // An option of another command is refused, not ignored.
    expect(cli("predict", modelDir, testImages, "--format", "onnx").status).toBe(2);
  });
});
