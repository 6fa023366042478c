// The webgpu backend against the reference cpu backend, on SwiftShader (a software Vulkan driver
// from Debian's chromium: the same WGSL shaders tfjs-webgpu runs on a GPU): every op the trainer
// relies on, forward and gradient, then a few training steps of every preset from the same
// weights and batches. Inputs travel between the backends as plain arrays.
//
// Tolerance: both compute in float32 but sum in different orders (tfjs-webgpu tiles its matmuls
// and convolutions), so results differ by a few ulps of the largest partial sums. Errors are
// measured relative to the largest magnitude of the reference result (`scale`): 1e-4 for ops and
// 1e-3 for the losses of training steps. A wrong kernel (a dropped window, a wrong index) is off
// by O(1) of the scale. Weights after Adam steps: see the preset tests.
import { existsSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseArchitecture } from "../arch";
import { presets } from "../arch/presets";
import { selectBackend } from "../backend/select";
import { type FashionMnist, loadFashionMnist } from "../data/fashionMnist";
import { conv2dMaxPool, convPoolAvailable } from "../train/convPool";
import { buildModel } from "../train/model";
import { applyWeightDecay, makeBatch, makeOptimizer, trainableVariables, trainingLoss } from "../train/step";

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";
const OP_TOL = 1e-4;
const TRAIN_TOL = 1e-3;

let data: FashionMnist;

beforeAll(async () => {
  if (!existsSync(SWIFTSHADER_ICD))
    throw new Error(`${SWIFTSHADER_ICD} is missing: apt-get install chromium libvulkan1 (SwiftShader's Vulkan driver)`);
  // Read by Dawn when its instance is made (the first selectBackend('webgpu')).
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const backend = await selectBackend("webgpu");
  expect(backend.adapter).toMatchObject({ architecture: "swiftshader", software: true });
  data = await loadFashionMnist();
});

interface Plain {
  shape: number[];
  values: Float32Array;
}

let seed = 1;
function rand(shape: number[], lo = -1, hi = 1): Plain {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    values[i] = lo + (seed / 2 ** 32) * (hi - lo);
  }
  return { shape, values };
}

async function plain(t: tf.Tensor): Promise<Plain> {
  return { shape: t.shape, values: (await t.data()) as Float32Array };
}

/** Runs `f` on a backend on the given inputs: its outputs, and the gradients of Σ(out·dy) wrt each input. */
async function onBackend(
  backend: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: Plain[],
  withGrads: boolean,
): Promise<Plain[]> {
  await tf.setBackend(backend);
  const xs = inputs.map((p) => tf.tensor(p.values, p.shape));
  const y = f(...xs);
  const outs = [y];
  if (withGrads) {
    // A fixed random upstream gradient: every output element's gradient path counts.
    const dyPlain = rand(y.shape);
    const dy = tf.tensor(dyPlain.values, dyPlain.shape);
    outs.push(...tf.grads((...a: tf.Tensor[]) => f(...a))(xs, dy));
    dy.dispose();
  }
  const got = await Promise.all(outs.map(plain));
  tf.dispose([...xs, ...outs]);
  return got;
}

/** Largest error relative to the reference's largest magnitude, per output. */
function relErrors(ref: Plain[], got: Plain[]): number[] {
  return ref.map((r, i) => {
    expect(got[i].shape).toEqual(r.shape);
    let err = 0;
    let scale = 0;
    for (let j = 0; j < r.values.length; j++) {
      err = Math.max(err, Math.abs(r.values[j] - got[i].values[j]));
      scale = Math.max(scale, Math.abs(r.values[j]));
    }
    // Non-finite values anywhere make the error NaN, which fails the comparison.
    return scale === 0 ? err : err / scale;
  });
}

const worst: Record<string, number> = {};

/** Compares f and its input gradients on webgpu against cpu (the same seed for dy on both). */
async function check(name: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: Plain[], withGrads = true) {
  const s = seed;
  const ref = await onBackend("cpu", f, inputs, withGrads);
  seed = s;
  const got = await onBackend("webgpu", f, inputs, withGrads);
  const errs = relErrors(ref, got);
  worst[name] = Math.max(...errs);
  expect(
    errs.every((e) => e <= OP_TOL),
    `${name}: relative errors ${errs.map((e) => e.toExponential(1))}`,
  ).toBe(true);
}

describe("webgpu ops and gradients against cpu", { timeout: 120_000 }, () => {
  it("Conv2D, kernels 1/2/3/5 × strides 1/2 × same/valid, gradients wrt input and filter; fused with bias + relu", async () => {
    for (const k of [1, 2, 3, 5])
      for (const stride of [1, 2])
        for (const pad of ["same", "valid"] as const) {
          await check(
            `conv2d k${k} s${stride} ${pad}`,
            (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad),
            [rand([2, 9, 9, 3]), rand([k, k, 3, 4])],
          );
        }
    await check(
      "fused conv2d + bias + relu",
      (x, w, b) =>
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: w as tf.Tensor4D,
          strides: 1,
          pad: "same",
          bias: b,
          activation: "relu",
        }),
      [rand([2, 8, 8, 3]), rand([3, 3, 3, 8]), rand([8])],
    );
    // Conv1D is a Conv2D of height 1 in tfjs.
    await check("conv1d k3", (x, w) => tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, "same"), [
      rand([2, 12, 3]),
      rand([3, 3, 5]),
    ]);
    await check(
      "conv2dTranspose k3 s2",
      (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 11, 11, 3], 2, "same"),
      [rand([2, 6, 6, 4]), rand([3, 3, 3, 4])],
    );
  });

  it("depthwise and separable convolutions", async () => {
    for (const stride of [1, 2])
      for (const pad of ["same", "valid"] as const) {
        await check(
          `depthwise k3 s${stride} ${pad} ×2`,
          (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad),
          [rand([2, 9, 9, 3]), rand([3, 3, 3, 2])],
        );
      }
    await check(
      "separable k3 same",
      (x, dw, pw) => tf.separableConv2d(x as tf.Tensor4D, dw as tf.Tensor4D, pw as tf.Tensor4D, 1, "same"),
      [rand([2, 8, 8, 3]), rand([3, 3, 3, 1]), rand([1, 1, 3, 5])],
    );
  });

  it("pooling: max/avg 2D (2×2/2 valid, 3×3/1 same, 3×3/2 same), 1D, global", async () => {
    const cases: [number, number, "same" | "valid"][] = [
      [2, 2, "valid"],
      [3, 1, "same"],
      [3, 2, "same"],
    ];
    for (const [size, stride, pad] of cases) {
      await check(`maxPool ${size}/${stride} ${pad}`, (x) => tf.maxPool(x as tf.Tensor4D, size, stride, pad), [
        rand([2, 9, 9, 3]),
      ]);
      await check(`avgPool ${size}/${stride} ${pad}`, (x) => tf.avgPool(x as tf.Tensor4D, size, stride, pad), [
        rand([2, 9, 9, 3]),
      ]);
    }
    // All-negative windows: the case wasm's MaxPoolGrad got wrong.
    await check("maxPool 2/2, negative input", (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, "valid"), [
      rand([2, 8, 8, 3], -2, -0.1),
    ]);
    // tfjs-layers pools 1D as 2D of height 1, and global pooling as a mean / max over the axes.
    const pool1d = (x: tf.Tensor, max: boolean) => {
      const x4 = tf.expandDims(x, 2) as tf.Tensor4D;
      return tf.squeeze(max ? tf.maxPool(x4, [2, 1], [2, 1], "valid") : tf.avgPool(x4, [2, 1], [2, 1], "valid"), [2]);
    };
    await check("maxPool1d", (x) => pool1d(x, true), [rand([2, 10, 3])]);
    await check("avgPool1d", (x) => pool1d(x, false), [rand([2, 10, 3])]);
    await check("global avg 2D", (x) => tf.mean(x, [1, 2]), [rand([2, 6, 6, 5])]);
    await check("global max 2D", (x) => tf.max(x, [1, 2]), [rand([2, 6, 6, 5])]);
    await check("global avg 1D", (x) => tf.mean(x, 1), [rand([2, 7, 5])]);
    await check("global max 1D", (x) => tf.max(x, 1), [rand([2, 7, 5])]);
  });

  it("Dense (matmul + bias, both transposes) and the activations", async () => {
    await check("dense", (x, w, b) => tf.add(tf.matMul(x, w), b), [rand([5, 12]), rand([12, 7]), rand([7])]);
    await check(
      "fused matMul + bias + relu",
      (x, w, b) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: "relu" }),
      [rand([5, 12]), rand([12, 7]), rand([7])],
    );
    await check("matMul aᵀb", (a, b) => tf.matMul(a, b, true, false), [rand([12, 5]), rand([12, 7])]);
    await check("matMul abᵀ", (a, b) => tf.matMul(a, b, false, true), [rand([5, 12]), rand([7, 12])]);
    const acts: [string, (x: tf.Tensor) => tf.Tensor][] = [
      ["relu", tf.relu],
      ["relu6", tf.relu6],
      ["sigmoid", tf.sigmoid],
      ["tanh", tf.tanh],
      ["softmax", (x) => tf.softmax(x)],
      ["logSoftmax", (x) => tf.logSoftmax(x)],
      ["elu", tf.elu],
      ["selu", tf.selu],
      ["leakyRelu 0.3", (x) => tf.leakyRelu(x, 0.3)],
      ["softplus", tf.softplus],
      ["softsign", (x) => tf.div(x, tf.add(tf.abs(x), 1))],
      ["swish", (x) => tf.mul(x, tf.sigmoid(x))],
      [
        "gelu (tanh)",
        (x) =>
          tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(0.7978845608, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))),
      ],
      ["exp", tf.exp],
      ["step (thresholded relu)", (x) => tf.mul(x, tf.step(tf.sub(x, 0.5)))],
    ];
    for (const [name, f] of acts) await check(name, f, [rand([4, 10], -3, 3)]);
    await check("prelu", (x, a) => tf.prelu(x, a), [rand([4, 10], -3, 3), rand([10], 0, 0.5)]);
  });

  it("BatchNormalization (training: batch moments; inference: moving ones) and LayerNormalization", async () => {
    // Training mode, as tfjs-layers computes it: moments over all but the channel axis.
    await check(
      "batchNorm training",
      (x, g, b) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.batchNorm(x, mean, variance, b, g, 1e-3);
      },
      [rand([4, 5, 5, 3]), rand([3], 0.5, 1.5), rand([3])],
    );
    await check("batchNorm inference", (x, m, v, g, b) => tf.batchNorm(x, m, v, b, g, 1e-3), [
      rand([4, 5, 5, 3]),
      rand([3]),
      rand([3], 0.5, 2),
      rand([3], 0.5, 1.5),
      rand([3]),
    ]);
    await check(
      "layerNorm",
      (x, g, b) => {
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))), g), b);
      },
      [rand([4, 6, 8]), rand([8], 0.5, 1.5), rand([8])],
    );
  });

  it("the merge ops of graph models, and the reshaping ones", async () => {
    const a = () => rand([2, 4, 4, 3]);
    await check("add", (x, y) => tf.add(x, y), [a(), a()]);
    await check("subtract", (x, y) => tf.sub(x, y), [a(), a()]);
    await check("multiply", (x, y) => tf.mul(x, y), [a(), a()]);
    await check("average", (x, y) => tf.div(tf.add(x, y), 2), [a(), a()]);
    await check("maximum", (x, y) => tf.maximum(x, y), [a(), a()]);
    await check("minimum", (x, y) => tf.minimum(x, y), [a(), a()]);
    await check("concatenate, last axis", (x, y) => tf.concat([x, y], -1), [a(), rand([2, 4, 4, 5])]);
    await check("concatenate, axis 1", (x, y) => tf.concat([x, y], 1), [a(), rand([2, 2, 4, 3])]);
    await check("dot", (x, y) => tf.sum(tf.mul(x, y), -1), [rand([3, 8]), rand([3, 8])]);
    await check("addN", (x, y, z) => tf.addN([x, y, z]), [a(), a(), a()]);
    await check(
      "zero padding",
      (x) =>
        tf.pad(x, [
          [0, 0],
          [1, 2],
          [2, 1],
          [0, 0],
        ]),
      [a()],
    );
    await check("cropping", (x) => tf.slice(x, [0, 1, 1, 0], [2, 2, 3, 3]), [a()]);
    await check("upsampling (bilinear)", (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [8, 8]), [a()]);
    await check("permute", (x) => tf.transpose(x, [0, 2, 1, 3]), [a()]);
    await check("flatten", (x) => tf.reshape(x, [2, -1]), [a()]);
  });

  it("UpSampling2D (nearest): webgpu's gradient is a sum over each input's block of dy; the cpu backend's is wrong past the first image", async () => {
    // tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad reads the wrong rows of dy for every
    // image after the first, so the reference here is the gradient written as a block sum.
    const x = rand([3, 3, 4, 2]);
    const dyPlain = rand([3, 6, 12, 2]);
    const grad = async (backend: string) => {
      await tf.setBackend(backend);
      const dy = tf.tensor(dyPlain.values, dyPlain.shape);
      const [dx] = tf.grads((t: tf.Tensor) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [6, 12]))(
        [tf.tensor(x.values, x.shape)],
        dy,
      );
      const blockSum = tf.sum(tf.reshape(dy, [3, 3, 2, 4, 3, 2]), [2, 4]);
      const out = [await plain(dx), await plain(blockSum)];
      tf.dispose([dy, dx, blockSum]);
      return out;
    };
    const [gpu, gpuRef] = await grad("webgpu");
    const [cpu, cpuRef] = await grad("cpu");
    const err = relErrors([cpuRef], [gpu])[0];
    worst["upsampling (nearest) gradient vs block sum"] = err;
    expect(err).toBeLessThanOrEqual(OP_TOL);
    expect(relErrors([cpuRef], [gpuRef])[0]).toBeLessThanOrEqual(OP_TOL);
    // The forward is right on both, and so is the cpu gradient of the first image only.
    const firstImage = 4 * 2 * 3;
    expect(
      relErrors(
        [{ shape: [firstImage], values: cpuRef.values.subarray(0, firstImage) }],
        [{ shape: [firstImage], values: cpu.values.subarray(0, firstImage) }],
      )[0],
    ).toBeLessThanOrEqual(OP_TOL);
    expect(relErrors([cpuRef], [cpu])[0]).toBeGreaterThan(0.1);
    await check(
      "upsampling (nearest) forward",
      (t) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [6, 12]),
      [x],
      false,
    );
  });

  it("the loss: softmax cross-entropy with and without label smoothing, gradient wrt the logits", async () => {
    const labels = new Float32Array(6 * 10);
    for (let i = 0; i < 6; i++) labels[i * 10 + ((i * 7) % 10)] = 1;
    const y = { shape: [6, 10], values: labels };
    for (const smoothing of [0, 0.1]) {
      await check(
        `softmaxCrossEntropy ε=${smoothing}`,
        (logits) => tf.losses.softmaxCrossEntropy(tf.tensor(y.values, y.shape), logits, undefined, smoothing),
        [rand([6, 10], -4, 4)],
      );
    }
  });

  it("the fused conv+pool layer is bypassed on webgpu (wasm only), and its forward computes conv → maxPool", async () => {
    await tf.setBackend("webgpu");
    expect(convPoolAvailable()).toBe(false);
    const nm = parse(presets.find((p) => p.id === "report-cnn")!.architecture);
    const { model, fused } = await buildModel(nm, 1);
    expect(fused).toEqual([]);
    expect(model.layers.map((l) => l.getClassName())).not.toContain("CatwalkConv2DMaxPool");
    model.dispose();
    await check(
      "conv2dMaxPool forward",
      (x, w, b) => conv2dMaxPool(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, "same", true),
      [rand([2, 8, 8, 1]), rand([2, 2, 1, 8]), rand([8])],
      false,
    );
    await tf.setBackend("cpu");
    const [x, w, b] = [rand([2, 8, 8, 1]), rand([2, 2, 1, 8]), rand([8])].map((p) => tf.tensor(p.values, p.shape));
    const ours = conv2dMaxPool(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, "same", true);
    const plainOps = tf.relu(
      tf.maxPool(tf.add<tf.Tensor4D>(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same"), b), 2, 2, "valid"),
    );
    expect(relErrors([await plain(plainOps)], [await plain(ours)])[0]).toBeLessThanOrEqual(OP_TOL);
    tf.dispose([x, w, b, ours, plainOps]);
  });
});

function parse(json: unknown) {
  const r = parseArchitecture(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.model;
}

/** A seeded Math.random for the duration of fn: dropout draws its masks from it, in JS, on both backends. */
async function withSeededRandom<T>(s: number, fn: () => Promise<T>): Promise<T> {
  const original = Math.random;
  let state = s >>> 0;
  Math.random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}

/** STEPS training steps of a preset on a backend from the given weights: each step's loss, then the weights. */
async function trainSteps(backend: string, presetId: string, weights: Plain[] | null, steps: number, batch: number) {
  await tf.setBackend(backend);
  const preset = presets.find((p) => p.id === presetId)!;
  const nm = parse(preset.architecture);
  const { model } = await buildModel(nm, 5);
  const vars = trainableVariables(model);
  if (weights) for (const [i, v] of vars.entries()) v.assign(tf.tensor(weights[i].values, weights[i].shape));
  const initial = await Promise.all(vars.map((v) => plain(v)));
  const c = preset.training;
  const optimizer = makeOptimizer(c);
  const losses: number[] = [];
  const order = Array.from({ length: steps * batch }, (_, i) => i);
  for (let s = 0; s < steps; s++) {
    const b = makeBatch(data.train, order, s * batch, (s + 1) * batch, nm.inputShape);
    const { value, grads } = await withSeededRandom(1000 + s, async () =>
      tf.variableGrads(
        () => trainingLoss(model, b.y, model.apply(b.x, { training: true }) as tf.Tensor, c.labelSmoothing),
        vars,
      ),
    );
    losses.push((await value.data())[0]);
    applyWeightDecay(vars, c.learningRate, c.optimizer === "adamw" ? c.weightDecay : 0);
    optimizer.applyGradients(grads);
    tf.dispose([b.x, b.y, value, ...Object.values(grads)]);
  }
  const after = await Promise.all(vars.map((v) => plain(v)));
  optimizer.dispose();
  model.dispose();
  return { initial, losses, after };
}

describe("training steps of every preset, webgpu against cpu from the same weights and batches", {
  timeout: 120_000,
}, () => {
  for (const { id, steps, batch } of [
    { id: "report-single-layer", steps: 2, batch: 8 },
    { id: "report-mlp", steps: 3, batch: 8 },
    { id: "report-cnn", steps: 2, batch: 4 },
    { id: "catwalk-cnn", steps: 2, batch: 4 },
  ]) {
    it(id, async () => {
      const ref = await trainSteps("cpu", id, null, steps, batch);
      const got = await trainSteps("webgpu", id, ref.initial, steps, batch);
      const lossErr = Math.max(...ref.losses.map((l, i) => Math.abs(l - got.losses[i]) / Math.abs(l)));
      // The steps moved the weights: the comparison is of the updates, not of the initial values.
      expect(Math.max(...relErrors(ref.initial, ref.after))).toBeGreaterThan(1e-4);
      // Adam moves each weight by about ±lr per step whatever the gradient's size, so a gradient
      // at float32 noise level (a unit ReLU barely keeps alive) may step the other way on the
      // other backend: such a weight may differ by up to 2·lr·steps. Only a few may: a wrong
      // kernel flips most of a layer's.
      const lr = presets.find((p) => p.id === id)!.training.learningRate;
      let off = 0;
      let total = 0;
      let worstAbs = 0;
      for (const [i, r] of ref.after.entries()) {
        const scale = r.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        for (let j = 0; j < r.values.length; j++) {
          const d = Math.abs(r.values[j] - got.after[i].values[j]);
          worstAbs = Math.max(worstAbs, d);
          if (d > TRAIN_TOL * scale) off++;
        }
        total += r.values.length;
      }
      worst[`${id} loss`] = lossErr;
      worst[`${id} weights: max |Δ|/(lr·steps)`] = worstAbs / (lr * steps);
      worst[`${id} weights: share off by > ${TRAIN_TOL} of scale`] = off / total;
      expect(lossErr).toBeLessThanOrEqual(TRAIN_TOL);
      expect(worstAbs).toBeLessThanOrEqual(2 * lr * steps);
      expect(off / total).toBeLessThanOrEqual(1e-3);
    });
  }

  it("AdamW: decay and Adam update on webgpu match cpu", async () => {
    const w0 = rand([6, 5]);
    const gs = [rand([6, 5]), rand([6, 5]), rand([6, 5], -1e-3, 1e-3)];
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const c = { ...presets[1].training, optimizer: "adamw" as const, weightDecay: 0.01, learningRate: 0.01 };
      const opt = makeOptimizer(c);
      const v = tf.variable(tf.tensor(w0.values, w0.shape), true, `adamw_w_${backend}`);
      for (const g of gs) {
        applyWeightDecay([v], c.learningRate, c.weightDecay);
        opt.applyGradients({ [v.name]: tf.tensor(g.values, g.shape) });
      }
      const out = await plain(v);
      opt.dispose();
      v.dispose();
      return out;
    };
    const err = relErrors([await run("cpu")], [await run("webgpu")])[0];
    worst["adamw 3 steps"] = err;
    expect(err).toBeLessThanOrEqual(OP_TOL);
    console.log(
      "webgpu vs cpu, worst relative errors:\n" +
        Object.entries(worst)
          .map(([k, v]) => `  ${k}: ${v.toExponential(2)}`)
          .join("\n"),
    );
  });
});
