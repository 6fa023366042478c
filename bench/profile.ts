// Per-kernel time of training steps: `npx tsx bench/profile.ts [preset] [batch] [steps]`.
import * as tf from "@tensorflow/tfjs";
import { buildModel, getPreset, makeOptimizer, parseArchitecture, selectBackend } from "../trainer";

const [presetId = "report-cnn", bsArg = "32", stepsArg = "40"] = process.argv.slice(2);
const bs = Number(bsArg);
const steps = Number(stepsArg);
const info = await selectBackend();
const r = parseArchitecture(getPreset(presetId)!.architecture);
if (!r.ok) throw new Error("bad preset");
const { model } = await buildModel(r.model, 1);
// The optimizer a run of this preset uses (step.ts makeOptimizer; Adam is one kernel per variable on wasm).
const opt = makeOptimizer(getPreset(presetId)!.training);
const x = tf.randomUniform([bs, ...r.model.inputShape]);
const y = tf.oneHot(tf.randomUniform([bs], 0, 10, "int32"), 10);
const step = () =>
  opt
    .minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
    )!
    .dataSync();
for (let i = 0; i < 5; i++) step();
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const wall = performance.now() - t0;
const prof = await tf.profile(() => {
  for (let i = 0; i < steps; i++) step();
});
const agg = new Map<string, { ms: number; n: number }>();
for (const k of prof.kernels) {
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const a = agg.get(key) ?? { ms: 0, n: 0 };
  a.ms += k.kernelTimeMs as number;
  a.n++;
  agg.set(key, a);
}
const total = [...agg.values()].reduce((s, a) => s + a.ms, 0);
console.log(
  `${presetId} on ${info.name}, batch ${bs}: ${((bs * steps) / (wall / 1000)).toFixed(0)} samples/s, ${(wall / steps).toFixed(2)} ms/step; ${prof.kernels.length / steps} kernels/step; kernel time ${(total / steps).toFixed(2)} ms/step`,
);
for (const [k, a] of [...agg.entries()].sort((p, q) => q[1].ms - p[1].ms).slice(0, 25)) {
  console.log(
    `${(a.ms / steps).toFixed(3).padStart(8)} ms  ${((100 * a.ms) / total).toFixed(1).padStart(5)}%  ${String(a.n / steps).padStart(3)}×  ${k}`,
  );
}
