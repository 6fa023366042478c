// Each replaced wasm kernel against the reference cpu backend on random inputs.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { CONV_POOL_GRAD, convPoolGrad, installWasmKernels } from "../backend/kernels";
import { adamUpdateJs } from "../backend/kernels/Adam";
import { firstMaxOf4 } from "../backend/kernels/pool";
import { heapOffset, instantiateOn, loadSimdKernels, plainSimdModule, simdKernels } from "../backend/simd";
import { conv2dMaxPool } from "../train/convPool";
import { FusedAdamOptimizer } from "../train/fusedAdam";

beforeAll(async () => {
  await tf.setBackend("wasm");
  await tf.ready();
  installWasmKernels();
  await loadSimdKernels(tf.backend() as unknown as BackendWasm);
});

let seed = 1;
function rand(shape: number[]): { shape: number[]; values: Float32Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    values[i] = (seed / 2 ** 32) * 2 - 1;
  }
  return { shape, values };
}

/** Runs one kernel on a backend with the given inputs; returns its output values. */
async function run(
  backend: string,
  kernel: string,
  inputs: Record<string, { shape: number[]; values: Float32Array }>,
  attrs: Record<string, unknown>,
) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const ins: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(inputs)) ins[k] = tf.tensor(v.values, v.shape);
    const out = tf.engine().runKernel(kernel, ins, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

async function compare(
  kernel: string,
  inputs: Record<string, { shape: number[]; values: Float32Array }>,
  attrs: Record<string, unknown>,
) {
  const ref = await run("cpu", kernel, inputs, attrs);
  const got = await run("wasm", kernel, inputs, attrs);
  expect(got.shape).toEqual(ref.shape);
  let maxErr = 0;
  let maxRef = 0;
  for (let i = 0; i < ref.values.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(ref.values[i] - got.values[i]));
    maxRef = Math.max(maxRef, Math.abs(ref.values[i]));
  }
  expect(maxErr).toBeLessThanOrEqual(1e-4 * Math.max(1, maxRef));
  return maxErr;
}

const CASES: { k: number; s: number; pad: "same" | "valid" | number; inC: number; outC: number; size: number }[] = [];
for (const k of [1, 2, 3, 5])
  for (const s of [1, 2, 3])
    for (const pad of ["same", "valid", 1] as const) CASES.push({ k, s, pad, inC: 3, outC: 4, size: 9 });
CASES.push({ k: 2, s: 1, pad: "same", inC: 64, outC: 16, size: 14 }); // the report CNN's conv2
CASES.push({ k: 2, s: 1, pad: "same", inC: 1, outC: 64, size: 28 }); // and its conv1
CASES.push({ k: 3, s: 2, pad: "same", inC: 1, outC: 32, size: 11 }); // small-K direct path, strided
CASES.push({ k: 2, s: 1, pad: "valid", inC: 2, outC: 16, size: 8 });
// The SIMD filter gradient (C % 4 == 0): its 8×4 channel tiles, the C % 8 == 4 and CO % 4
// remainders, strides, explicit padding and taps that fall outside the image.
CASES.push({ k: 3, s: 2, pad: 1, inC: 12, outC: 6, size: 9 });
CASES.push({ k: 3, s: 1, pad: "same", inC: 32, outC: 64, size: 7 }); // catwalk-cnn's conv2
CASES.push({ k: 2, s: 1, pad: "same", inC: 8, outC: 5, size: 5 });
CASES.push({ k: 5, s: 3, pad: "valid", inC: 4, outC: 3, size: 11 });
CASES.push({ k: 3, s: 2, pad: 1, inC: 8, outC: 12, size: 8 }); // forward: CO % 8 == 4
CASES.push({ k: 3, s: 1, pad: "same", inC: 6, outC: 8, size: 6 }); // forward: C % 4 == 2

const outSize = (size: number, k: number, s: number, pad: "same" | "valid" | number) =>
  pad === "same"
    ? Math.ceil(size / s)
    : pad === "valid"
      ? Math.floor((size - k) / s) + 1
      : Math.floor((size + 2 * pad - k) / s) + 1;

describe("wasm replacement kernels match cpu", () => {
  it.each(CASES)(
    "Conv2D, FusedConv2D, Conv2DBackpropFilter and Conv2DBackpropInput k=$k s=$s pad=$pad C=$inC→$outC",
    async ({ k, s, pad, inC, outC, size }) => {
      const o = outSize(size, k, s, pad);
      if (o < 1) return;
      const x = rand([2, size, size, inC]);
      const dy = rand([2, o, o, outC]);
      const w = rand([k, k, inC, outC]);
      const attrs = { strides: [s, s], pad, dataFormat: "NHWC", dimRoundingMode: undefined };
      await compare("Conv2DBackpropFilter", { x, dy }, { ...attrs, filterShape: [k, k, inC, outC] });
      await compare("Conv2DBackpropInput", { dy, filter: w }, { ...attrs, inputShape: [2, size, size, inC] });
      // The forward convolution too (our SIMD kernel where C and CO are multiples of 4).
      const conv = { ...attrs, dilations: [1, 1] };
      await compare("Conv2D", { x, filter: w }, conv);
      await compare("FusedConv2D", { x, filter: w, bias: rand([outC]) }, { ...conv, activation: "linear" });
    },
  );

  it.each([
    { p: 2, s: 2, pad: "valid", size: 9, C: 5 },
    { p: 2, s: 2, pad: "same", size: 9, C: 5 },
    { p: 3, s: 2, pad: "same", size: 9, C: 5 }, // overlapping windows
    { p: 3, s: 1, pad: "valid", size: 9, C: 5 },
    { p: 3, s: 3, pad: "same", size: 9, C: 5 },
    { p: 2, s: 2, pad: "valid", size: 8, C: 8 }, // windows tiling x: the SIMD kernel
    { p: 2, s: 2, pad: "same", size: 6, C: 5 }, // and its JS twin
  ] as const)(
    "MaxPoolGrad p=$p s=$s pad=$pad size=$size C=$C, including all-negative windows and ties",
    async ({ p, s, pad, size, C }) => {
      for (const shift of [0, -2]) {
        const x = rand([2, size, size, C]);
        for (let i = 0; i < x.values.length; i++) x.values[i] += shift;
        // exact ties in some windows: only the first-maximum rule decides where their gradient goes
        for (let i = 0; i < x.values.length; i += 3) x.values[i] = Math.round(x.values[i]);
        const out = await run(
          "cpu",
          "MaxPool",
          { x },
          { filterSize: [p, p], strides: [s, s], pad, dimRoundingMode: undefined },
        );
        const dy = rand(out.shape);
        await compare(
          "MaxPoolGrad",
          { dy, input: x, output: { shape: out.shape, values: out.values } },
          { filterSize: [p, p], strides: [s, s], pad, dimRoundingMode: undefined },
        );
      }
    },
  );

  it("MaxPoolGrad sends every gradient somewhere when all inputs are negative (wasm stock kernel does not)", async () => {
    await tf.setBackend("wasm");
    const sum = tf.tidy(() => {
      const x = tf.fill([1, 8, 8, 6], -1).add(tf.randomUniform([1, 8, 8, 6], -0.5, 0)) as tf.Tensor4D;
      const g = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, "valid").sum())(x);
      return g.sum().dataSync()[0];
    });
    expect(sum).toBeCloseTo(4 * 4 * 6, 4);
  });

  it.each([
    { k: 3, s: 1, pad: "same", m: 1 },
    { k: 3, s: 2, pad: "valid", m: 2 },
    { k: 2, s: 2, pad: "same", m: 1 },
    { k: 5, s: 1, pad: "valid", m: 3 },
  ] as const)(
    "DepthwiseConv2dNativeBackpropFilter/Input k=$k s=$s pad=$pad multiplier=$m",
    async ({ k, s, pad, m }) => {
      const size = 9;
      const C = 4;
      const o = outSize(size, k, s, pad);
      const x = rand([2, size, size, C]);
      const dy = rand([2, o, o, C * m]);
      const w = rand([k, k, C, m]);
      const attrs = { strides: [s, s], pad, dilations: [1, 1], dimRoundingMode: undefined };
      await compare("DepthwiseConv2dNativeBackpropFilter", { x, dy }, { ...attrs, filterShape: [k, k, C, m] });
      await compare(
        "DepthwiseConv2dNativeBackpropInput",
        { dy, filter: w },
        { ...attrs, inputShape: [2, size, size, C] },
      );
    },
  );

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])("BatchMatMul and _FusedMatMul transposeA=%s transposeB=%s, rank 2 and batched", async (ta, tb) => {
    for (const [batch, [m, kk, n]] of [
      [[], [7, 13, 5]],
      [[3], [7, 13, 5]],
      [[1], [4, 16, 40]],
      [[], [4, 16, 40]],
      // the SIMD matmul's 4-row × 8-column tiles with row and 4-column remainders
      [[], [7, 13, 12]],
      [[1], [32, 50, 20]],
    ] as const) {
      const a = rand([...batch, ...(ta ? [kk, m] : [m, kk])] as number[]);
      const b = rand([...batch, ...(tb ? [n, kk] : [kk, n])] as number[]);
      await compare("BatchMatMul", { a, b }, { transposeA: ta, transposeB: tb });
      // _FusedMatMul gets rank-3 operands (tfjs's op reshapes to them), as a Dense layer's.
      const r3 = (t: { shape: number[]; values: Float32Array }) =>
        batch.length ? t : { ...t, shape: [1, ...t.shape] };
      const bias = rand([n]);
      const fused = { transposeA: ta, transposeB: tb, activation: "linear" };
      await compare("_FusedMatMul", { a: r3(a), b: r3(b), bias }, fused);
      await compare("_FusedMatMul", { a: r3(a), b: r3(b) }, fused);
    }
  });

  it.each([
    { shape: [6, 5], axis: [0], keepDims: false },
    { shape: [2, 3, 4, 5], axis: [0, 1, 2], keepDims: false },
    { shape: [2, 3, 4, 5], axis: [2, 0, 1], keepDims: true },
    { shape: [2, 3, 4, 5], axis: [1, 2], keepDims: false }, // not leading: stock kernel
    { shape: [7], axis: [0], keepDims: false },
  ])("Sum $shape over $axis keepDims=$keepDims", async ({ shape, axis, keepDims }) => {
    await compare("Sum", { x: rand(shape) }, { axis, keepDims });
  });

  it.each([
    { k: 2, pad: "same", ci: 1, co: 64, size: 28, bias: true, ties: false, relu: true }, // the report CNN's conv1 + pool + relu
    { k: 3, pad: "same", ci: 1, co: 32, size: 28, bias: true, ties: false, relu: false }, // catwalk-cnn's
    { k: 1, pad: "valid", ci: 3, co: 4, size: 8, bias: false, ties: false, relu: true },
    { k: 3, pad: "valid", ci: 3, co: 5, size: 9, bias: true, ties: false, relu: true }, // odd conv output: last row/col unpooled; JS path
    { k: 5, pad: "same", ci: 2, co: 4, size: 9, bias: true, ties: false, relu: false },
    { k: 2, pad: "same", ci: 1, co: 8, size: 8, bias: true, ties: true, relu: false }, // quantized input: exact ties in windows
    { k: 2, pad: "same", ci: 1, co: 8, size: 8, bias: false, ties: true, relu: true }, // ties, and exact zeros at the ReLU
  ] as const)(
    "fused Conv2D→MaxPool[→ReLU] gradient (wasm) equals conv2d + maxPool (+ relu) on cpu: k=$k pad=$pad C=$ci→$co size=$size bias=$bias ties=$ties relu=$relu",
    async ({ k, pad, ci, co, size, bias, ties, relu }) => {
      const x = rand([3, size, size, ci]);
      const w = rand([k, k, ci, co]);
      // 0/1 pixels and a constant filter: z counts the ones in a patch, so windows hold exact ties
      // between different patches, and only the first-maximum rule decides where gradients go.
      if (ties) {
        for (let i = 0; i < x.values.length; i++) x.values[i] = x.values[i] > 0 ? 1 : 0;
        w.values.fill(0.5);
      }
      const b = rand([co]);
      const pooled = Math.floor(outSize(size, k, 1, pad) / 2);
      const dy = rand([3, pooled, pooled, co]);
      const grads = async (backend: string) => {
        await tf.setBackend(backend);
        return tf.tidy(() => {
          const [xt, wt, bt, dyt] = [
            tf.tensor4d(x.values, x.shape as [number, number, number, number]),
            tf.tensor4d(w.values, w.shape as [number, number, number, number]),
            tf.tensor1d(b.values),
            tf.tensor(dy.values, dy.shape),
          ];
          const pooled = (wv: tf.Tensor, bv: tf.Tensor) =>
            tf.maxPool(
              bias
                ? (tf.conv2d(xt, wv as tf.Tensor4D, 1, pad).add(bv) as tf.Tensor4D)
                : tf.conv2d(xt, wv as tf.Tensor4D, 1, pad),
              2,
              2,
              "valid",
            );
          const f =
            backend === "wasm"
              ? (wv: tf.Tensor, bv: tf.Tensor) =>
                  conv2dMaxPool(xt, wv as tf.Tensor4D, bias ? (bv as tf.Tensor1D) : null, pad, relu)
              : (wv: tf.Tensor, bv: tf.Tensor) => (relu ? tf.relu(pooled(wv, bv)) : pooled(wv, bv));
          const y = f(wt, bt);
          const [dW, db] = bias
            ? tf.grads((wv: tf.Tensor, bv: tf.Tensor) => f(wv, bv).mul(dyt).sum())([wt, bt])
            : [tf.grad((wv: tf.Tensor) => f(wv, bt).mul(dyt).sum())(wt), bt];
          return {
            y: y.dataSync() as Float32Array,
            shape: y.shape,
            dW: dW.dataSync() as Float32Array,
            db: db.dataSync() as Float32Array,
          };
        });
      };
      const ref = await grads("cpu");
      const got = await grads("wasm");
      expect(got.shape).toEqual(ref.shape);
      const maxErr = (a: Float32Array, c: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - c[i])), 0);
      expect(maxErr(got.y, ref.y)).toBeLessThan(1e-5);
      expect(maxErr(got.dW, ref.dW)).toBeLessThan(1e-4);
      if (bias) expect(maxErr(got.db, ref.db)).toBeLessThan(1e-4);
      // Non-trivial: the gradients are not all zero.
      expect(ref.dW.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    },
  );

  it.each([
    { k: 2, pad: "same", ci: 1, co: 64, size: 28 },
    { k: 3, pad: "same", ci: 2, co: 8, size: 10 },
    { k: 2, pad: "valid", ci: 3, co: 4, size: 9 },
  ] as const)(
    "the wasm SIMD fused-gradient kernel equals its JS version, with NaNs, ties and ReLU cuts: k=$k pad=$pad C=$ci→$co",
    async ({ k, pad, ci, co, size }) => {
      await tf.setBackend("wasm");
      expect(simdKernels()).not.toBeNull();
      const conv = outSize(size, k, 1, pad);
      const pooled = Math.floor(conv / 2);
      const x = rand([2, size, size, ci]);
      const z = rand([2, conv, conv, co]);
      // ties (equal values in a window) and NaNs (passed over) exercise the first-maximum rule
      for (let i = 0; i < z.values.length; i += 7) z.values[i] = 0.25;
      for (let i = 3; i < z.values.length; i += 41) z.values[i] = NaN;
      const dy = rand([2, pooled, pooled, co]);
      const geometry = {
        batch: 2,
        inH: size,
        inW: size,
        ci,
        outH: conv,
        outW: conv,
        co,
        fh: k,
        fw: k,
        padTop: pad === "same" ? Math.floor((k - 1) / 2) : 0,
        padLeft: pad === "same" ? Math.floor((k - 1) / 2) : 0,
      };
      // The SIMD kernel reads each window's winner as the SIMD forward records it (first maximum,
      // or 4 where a ReLU cut the output: those get no gradient, so the JS reference's dy is 0).
      const win = new Int32Array(dy.values.length);
      const dyCut = dy.values.slice();
      const row = conv * co;
      for (let b = 0, o = 0; b < 2; b++)
        for (let oh = 0; oh < pooled; oh++)
          for (let ow = 0; ow < pooled; ow++)
            for (let c = 0; c < co; c++, o++) {
              const p = ((b * conv + 2 * oh) * conv + 2 * ow) * co + c;
              const zs = z.values;
              win[o] = o % 5 === 2 ? 4 : firstMaxOf4(zs[p], zs[p + co], zs[p + row], zs[p + row + co]);
              if (win[o] === 4) dyCut[o] = 0;
            }
      const jsW = new Float32Array(k * k * ci * co);
      const jsB = new Float32Array(co);
      convPoolGrad(x.values, z.values, dyCut, geometry, jsW, jsB);
      const [dW, db] = tf.tidy(() =>
        (
          tf.engine().runKernel(
            CONV_POOL_GRAD,
            {
              x: tf.tensor(x.values, x.shape),
              win: tf.tensor(win, dy.shape, "int32"),
              dy: tf.tensor(dy.values, dy.shape),
            },
            { filterShape: [k, k, ci, co], pad } as unknown as tf.NamedAttrMap,
          ) as unknown as tf.Tensor[]
        ).map((t) => t.dataSync() as Float32Array),
      );
      const maxErr = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
      expect(maxErr(dW, jsW)).toBeLessThan(1e-4);
      expect(maxErr(db, jsB)).toBeLessThan(1e-4);
      expect(jsW.some((v) => Math.abs(v) > 1e-2)).toBe(true);
    },
  );

  it("the kernels assembled without relaxed SIMD (engines without it) compute what the relaxed ones do", async () => {
    await tf.setBackend("wasm");
    const backend = tf.backend() as unknown as BackendWasm;
    const plain = instantiateOn(backend, await plainSimdModule());
    // A product through the relaxed kernels (BatchMatMul on wasm) and the plain module's matmul.
    const [m, k, n] = [7, 33, 12];
    const a = rand([m, k]);
    const b = rand([k, n]);
    const { relaxed, unfused } = tf.tidy(() => {
      const [ta, tb] = [tf.tensor(a.values, a.shape), tf.tensor(b.values, b.shape)];
      const relaxed = tf.matMul(ta, tb).dataSync() as Float32Array;
      const c = tf.zeros([m, n]);
      const at = (t: tf.Tensor) => heapOffset(backend, t.dataId);
      plain.matmul(at(ta), at(tb), at(c), m, k, n, k, 1);
      return { relaxed, unfused: c.dataSync() as Float32Array };
    });
    const maxErr = relaxed.reduce((e, v, i) => Math.max(e, Math.abs(v - unfused[i])), 0);
    expect(maxErr).toBeLessThan(1e-5);
    expect(unfused.some((v) => Math.abs(v) > 0.5)).toBe(true);
  });

  it("Tanh (SIMD) is within a few float32 ulps of tanh, over magnitudes, tails and special values", async () => {
    await tf.setBackend("wasm");
    const grid = Array.from({ length: 2001 }, (_, i) => (i - 1000) / 80); // −12.5 … 12.5
    const small = Array.from({ length: 200 }, (_, i) => (i % 2 ? -1 : 1) * 10 ** (-8 + (i * 7.5) / 200)); // to ±0.3
    const special = [0, -0, 0.3, -0.3, 0.29999998, 9, -9, 20, Infinity, -Infinity];
    for (const values of [[...grid, ...small, ...special], grid.slice(0, 7), grid.slice(3, 7), grid.slice(0, 3)]) {
      const x = Float32Array.from(values);
      const y = tf.tidy(() => tf.tanh(tf.tensor1d(x)).dataSync() as Float32Array);
      let worst = 0;
      for (let i = 0; i < x.length; i++) {
        const ref = Math.tanh(x[i]);
        // ±0 keeps its sign
        if (ref === 0) expect(Object.is(y[i], ref)).toBe(true);
        else worst = Math.max(worst, Math.abs(y[i] - ref) / Math.abs(ref));
      }
      expect(worst).toBeLessThan(4e-7);
    }
    const nan = tf.tidy(() => tf.tanh(tf.tensor1d([1, Number.NaN, 2, 3, -1])).dataSync());
    expect(Number.isNaN(nan[1])).toBe(true);
    expect(nan[4]).toBeCloseTo(Math.tanh(-1), 6);
  });

  it("the fused Adam update (SIMD kernel on wasm, and its JS version) is bit-identical to tfjs's Adam on cpu", async () => {
    // Sizes around the 4-float vectors (tails of 1–3), a learning rate changed between steps (as
    // schedules do) and gradients spanning magnitudes.
    const shapes = [[1], [3], [2, 5], [7, 9]];
    const steps = 5;
    const grads = Array.from({ length: steps }, (_, t) =>
      shapes.map((sh) => {
        const r = rand(sh);
        for (let i = 0; i < r.values.length; i++) r.values[i] *= 10 ** ((i % 7) - 4 + t);
        return r;
      }),
    );
    const init = shapes.map((sh) => rand(sh));
    const train = async (backend: string, fused: boolean) => {
      await tf.setBackend(backend);
      const vars = init.map((w, i) => tf.variable(tf.tensor(w.values, w.shape), true, `adam_${backend}_${fused}_${i}`));
      const opt: tf.Optimizer = fused
        ? new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7)
        : tf.train.adam(0.01, 0.9, 0.999, 1e-7);
      for (let t = 0; t < steps; t++) {
        (opt as unknown as { learningRate: number }).learningRate = 0.01 / (t + 1);
        const named: tf.NamedTensorMap = {};
        vars.forEach((v, i) => {
          named[v.name] = tf.tensor(grads[t][i].values, grads[t][i].shape);
        });
        opt.applyGradients(named);
        tf.dispose(Object.values(named));
      }
      const weights = vars.map((v) => v.dataSync() as Float32Array);
      const slots = await opt.getWeights();
      const state = slots.map((s) => ({ name: s.name.replace(/adam_\w+?_\d$/, ""), values: s.tensor.dataSync() }));
      tf.dispose([...vars, ...slots.map((s) => s.tensor)]);
      opt.dispose();
      return { weights, state };
    };
    const ref = await train("cpu", false);
    const got = await train("wasm", true);
    expect(simdKernels()).not.toBeNull();
    for (let i = 0; i < shapes.length; i++) expect(got.weights[i]).toEqual(ref.weights[i]);
    expect(got.state.map((s) => s.values)).toEqual(ref.state.map((s) => s.values));
    expect(ref.weights[3]).not.toEqual(init[3].values);
    // The JS fallback, for one step on plain arrays against the same step of tfjs's Adam (cpu).
    await tf.setBackend("cpu");
    const w = init[3];
    const g = grads[4][3];
    const m = rand(w.shape);
    const v = rand(w.shape).values.map((x) => x * x);
    const f = Math.fround;
    const [ow, om, ov] = [0, 1, 2].map(() => new Float32Array(w.values.length));
    adamUpdateJs(w.values, g.values, m.values, v, ow, om, ov, {
      beta1: f(0.9),
      oneMinusBeta1: f(1 - 0.9),
      beta2: f(0.999),
      oneMinusBeta2: f(1 - 0.999),
      oneMinusAccBeta1: f(1 - f(0.9 ** 3)),
      oneMinusAccBeta2: f(1 - f(0.999 ** 3)),
      negLearningRate: f(-0.01),
      epsilon: f(1e-7),
    });
    const vw = tf.variable(tf.tensor(w.values, w.shape), true, "adam_js_ref");
    const opt: tf.Optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    const fields = opt as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
    const state = [tf.scalar(2, "int32"), tf.tensor(m.values, w.shape), tf.tensor(v, w.shape)];
    await opt.setWeights(state.map((tensor, i) => ({ name: `s${i}`, tensor })));
    tf.tidy(() => {
      fields.accBeta1.assign(tf.scalar(f(0.9 ** 3)));
      fields.accBeta2.assign(tf.scalar(f(0.999 ** 3)));
      opt.applyGradients({ [vw.name]: tf.tensor(g.values, g.shape) });
    });
    const ref1 = vw.dataSync() as Float32Array;
    tf.dispose([vw, ...state]);
    opt.dispose();
    expect(ow).toEqual(ref1);
  });

  it("whole-model gradient of the report CNN matches cpu", async () => {
    const build = () => {
      const m = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [28, 28, 1],
            filters: 8,
            kernelSize: 2,
            padding: "same",
            activation: "relu",
            kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({
            filters: 4,
            kernelSize: 2,
            padding: "same",
            activation: "tanh",
            kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({
            units: 10,
            activation: "softmax",
            kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
          }),
        ],
      });
      return m;
    };
    const x = rand([4, 28, 28, 1]);
    const grads: Float32Array[][] = [];
    for (const backend of ["cpu", "wasm"]) {
      await tf.setBackend(backend);
      const m = build();
      const g = tf.tidy(() => {
        const xt = tf.tensor(x.values, x.shape);
        const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], "int32"), 10);
        const { grads: gs } = tf.variableGrads(() =>
          tf.losses.softmaxCrossEntropy(y, m.apply(xt) as tf.Tensor).asScalar(),
        );
        return Object.values(gs).map((t) => t.dataSync() as Float32Array);
      });
      grads.push(g);
      m.dispose();
    }
    for (let i = 0; i < grads[0].length; i++) {
      const [a, b] = [grads[0][i], grads[1][i]];
      let num = 0;
      let den = 0;
      for (let j = 0; j < a.length; j++) {
        num += (a[j] - b[j]) ** 2;
        den += a[j] ** 2;
      }
      expect(Math.sqrt(num / Math.max(den, 1e-20))).toBeLessThan(1e-4);
    }
  });
});
