// The trained model is kept: runTraining returns it in the form users load (stock tfjs, softmax
// probabilities), and its zip round-trips and refuses bad input with a ModelFileError.
import * as tf from "@tensorflow/tfjs";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CLASS_NAMES,
  type FashionMnist,
  getPreset,
  keras,
  loadFashionMnist,
  loadModel,
  MODEL_FORMAT,
  ModelFileError,
  PIXEL_SCALE,
  packModel,
  parseArchitecture,
  predictProbabilities,
  runTraining,
  type SavedModel,
  selectBackend,
  sequential,
  TRAINER_VERSION,
  TrainerError,
  type TrainingOutcome,
  unpackModel,
} from "..";
import { copyWeights } from "../export/save";
import { buildInferenceModel, buildModel } from "../train/model";

let data: FashionMnist;
let small: FashionMnist;
beforeAll(async () => {
  data = await loadFashionMnist({ subset: "fixture" });
  // Training isn't the point: 500 images, one epoch, scored on all 1,000 test images.
  small = {
    ...data,
    train: { images: data.train.images.slice(0, 500 * 784), labels: data.train.labels.slice(0, 500), count: 500 },
  };
  await selectBackend();
});

const argmax = (p: Float32Array, n: number) =>
  Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let c = 1; c < 10; c++) if (p[i * 10 + c] > p[i * 10 + best]) best = c;
    return best;
  });

const trainShort = (architecture: unknown) =>
  runTraining({
    architecture,
    training: { batchSize: 32, maxEpochs: 1, earlyStopping: null, validationSplit: 0 },
    data: small,
    threads: 1,
  });

/** What a user does with the downloaded zip: unzip, read model.json, load it with stock tfjs. */
async function loadLikeAUser(zip: Uint8Array): Promise<tf.LayersModel> {
  const files = unzipSync(zip);
  const json = JSON.parse(strFromU8(files["model.json"]));
  const bin = files["weights.bin"];
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }),
  );
}

async function expectSameAsTraining(r: TrainingOutcome) {
  const model = await loadLikeAUser(packModel(r.model));
  try {
    const p = await predictProbabilities(model, data.test.images, data.test.count);
    expect(p).toHaveLength(10_000);
    // Probabilities, not logits: every row sums to 1.
    for (let i = 0; i < 1000; i += 97) {
      const row = p.subarray(i * 10, i * 10 + 10);
      expect(row.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    expect(argmax(p, 1000)).toEqual(Array.from(r.predictions));
  } finally {
    model.dispose();
  }
}

describe("the saved model", () => {
  it("is the report CNN as stock tfjs loads it (no fused layer, softmax last) and predicts what training scored", async () => {
    const r = await trainShort(getPreset("report-cnn")!.architecture);
    // The trained model had the fused conv+pool layer and no softmax; the saved one has neither difference.
    expect(r.notes.join(" ")).toMatch(/fused layer/);
    const layers = (
      r.model.modelJson.modelTopology.config as { layers: { class_name: string; config: { activation?: string } }[] }
    ).layers;
    expect(layers.map((l) => l.class_name)).toEqual([
      "Conv2D",
      "MaxPooling2D",
      "Conv2D",
      "MaxPooling2D",
      "Flatten",
      "Dense",
      "Dense",
    ]);
    expect(layers.map((l) => l.config.activation).filter(Boolean)).toEqual(["relu", "tanh", "relu", "softmax"]);
    expect(r.model.modelJson.weightsManifest[0].paths).toEqual(["weights.bin"]);
    expect(r.model.weights.byteLength).toBe(106_202 * 4);
    await expectSameAsTraining(r);
  });

  it("predicts what training scored for an MLP, and carries its metadata", async () => {
    const r = await trainShort(getPreset("report-mlp")!.architecture);
    await expectSameAsTraining(r);
    const m = r.model.metadata;
    expect(m.format).toBe(MODEL_FORMAT);
    expect(m.inputShape).toEqual([28, 28]);
    expect(m.pixelScale).toBe(PIXEL_SCALE);
    expect(m.pixelScale).toBe(1 / 255);
    expect(m.classNames).toEqual([...CLASS_NAMES]);
    expect(m.paramCount).toBe(109_386);
    expect(m.backend).toBe(r.backend);
    expect(m.trainerVersion).toBe(TRAINER_VERSION);
    expect(m.seed).toBe(42);
    expect(m.training).toMatchObject({ batchSize: 32, maxEpochs: 1, earlyStopping: null });
    expect(m.architecture.config.layers.map((l) => l.class_name)).toEqual(["Flatten", "Dense", "Dense", "Dense"]);
    expect(m.epochs).toBe(1);
    expect(Date.parse(m.createdAt)).toBeGreaterThan(Date.now() - 600_000);
    // No test-set scores in what students download: accuracy there would reveal the private half.
    expect(JSON.stringify(m)).not.toMatch(/accuracy|testLoss/i);
  });

  it("ends in softmax probabilities when the architecture ends in logits", async () => {
    const arch = sequential([keras.flatten(), keras.dense(32, "relu"), keras.dense(10, "linear")], {
      inputShape: [28, 28, 1],
    });
    const r = await trainShort(arch);
    const layers = (r.model.modelJson.modelTopology.config as { layers: { class_name: string }[] }).layers;
    expect(layers.at(-1)!.class_name).toBe("Activation");
    await expectSameAsTraining(r);
  });

  it("refuses to copy weights between models that don't pair up, naming the layers", async () => {
    const a = parseArchitecture(sequential([keras.flatten(), keras.dense(10, "softmax")], { inputShape: [28, 28, 1] }));
    const b = parseArchitecture(
      sequential([keras.flatten(), keras.dense(12), keras.dense(10, "softmax")], { inputShape: [28, 28, 1] }),
    );
    if (!a.ok || !b.ok) throw new Error("fixture architectures must parse");
    const from = (await buildModel(a.model, 1)).model;
    const to = await buildInferenceModel(b.model);
    try {
      const e = (() => {
        try {
          copyWeights(from, to);
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(TrainerError);
      expect((e as Error).message).toMatch(/trained model has 1 layers with weights \(dense\), the saved one 2/);
    } finally {
      from.dispose();
      to.dispose();
    }
  });
});

describe("the unzipped files", () => {
  it("load in stock tfjs from a URL, weights.bin found next to model.json as a browser would", async () => {
    const r = await trainShort(getPreset("report-cnn")!.architecture);
    const files = unzipSync(packModel(r.model));
    const fetched: string[] = [];
    // A static file server holding the unzipped download.
    const fetchFunc = (async (input: RequestInfo | URL) => {
      const url = String(input);
      fetched.push(url);
      const name = new URL(url).pathname.split("/").pop()!;
      const body = files[name];
      return body ? new Response(body.slice(), { status: 200 }) : new Response("not found", { status: 404 });
    }) as typeof fetch;
    const model = await tf.loadLayersModel("https://models.example/fashion/model.json", { fetchFunc });
    try {
      expect(fetched).toEqual([
        "https://models.example/fashion/model.json",
        "https://models.example/fashion/weights.bin",
      ]);
      const p = await predictProbabilities(model, data.test.images, data.test.count);
      expect(argmax(p, 1000)).toEqual(Array.from(r.predictions));
    } finally {
      model.dispose();
    }
  });
});

describe("packModel / unpackModel", () => {
  let saved: SavedModel;
  beforeAll(async () => {
    saved = (await trainShort(sequential([keras.flatten(), keras.dense(10, "softmax")], { inputShape: [784] }))).model;
  });

  it("round-trips, packs the same model to the same bytes, and loads back through loadModel", async () => {
    const zip = packModel(saved);
    expect(packModel(saved)).toEqual(zip);
    expect(Object.keys(unzipSync(zip)).sort()).toEqual(["metadata.json", "model.json", "weights.bin"]);
    const back = unpackModel(zip);
    expect(back.modelJson).toEqual(saved.modelJson);
    expect(back.metadata).toEqual(saved.metadata);
    expect(Buffer.from(back.weights).equals(Buffer.from(saved.weights))).toBe(true);
    const m = await loadModel(back);
    try {
      expect(m.predict(tf.zeros([1, 784])) instanceof tf.Tensor).toBe(true);
    } finally {
      m.dispose();
    }
  });

  const repack = (edit: (files: Record<string, Uint8Array>) => void) => {
    const files = unzipSync(packModel(saved));
    edit(files);
    return zipSync(files);
  };
  const refusal = (bytes: Uint8Array, maxUnpackedBytes?: number) => {
    try {
      unpackModel(bytes, { maxUnpackedBytes });
    } catch (e) {
      expect(e).toBeInstanceOf(ModelFileError);
      return (e as Error).message;
    }
    throw new Error("unpackModel accepted a bad archive");
  };

  it("refuses what isn't a complete, consistent model zip, saying what is wrong", () => {
    expect(refusal(strToU8("definitely not a zip"))).toMatch(/^not a model archive \(zip\)/);
    expect(refusal(packModel(saved).slice(0, 200))).toMatch(/not a model archive|incomplete/);
    expect(
      refusal(
        repack((f) => {
          delete f["weights.bin"];
        }),
      ),
    ).toBe("model archive is incomplete: missing weights.bin (need model.json, weights.bin, metadata.json)");
    expect(
      refusal(
        repack((f) => {
          f["weights.bin"] = f["weights.bin"].slice(4);
        }),
      ),
    ).toBe(
      `weights.bin has ${saved.weights.byteLength - 4} bytes; model.json's weightsManifest needs ${saved.weights.byteLength}`,
    );
    expect(
      refusal(
        repack((f) => {
          f["model.json"] = strToU8("{");
        }),
      ),
    ).toMatch(/^model.json is not valid JSON/);
    expect(
      refusal(
        repack((f) => {
          f["metadata.json"] = strToU8(JSON.stringify({ ...saved.metadata, format: "catwalk-model/99" }));
        }),
      ),
    ).toBe(`metadata.json has format "catwalk-model/99"; this trainer reads 'catwalk-model/1'`);
    expect(
      refusal(
        repack((f) => {
          f["metadata.json"] = strToU8(JSON.stringify({ ...saved.metadata, classNames: ["a", "b"] }));
        }),
      ),
    ).toMatch(/^metadata.json is not a valid metadata.json: classNames: /);
    expect(refusal(packModel(saved), 100)).toMatch(/unpacks to more than 100 bytes/);
  });
});
