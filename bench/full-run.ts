// One full training run in its own process (so its peak RSS is its own):
// `tsx bench/full-run.ts PRESET OUT.json [maxEpochs] [seed]` (an empty maxEpochs: the preset's).
// Used by bench/train.ts.
import { writeFileSync } from "node:fs";
import { getPreset, runTraining, selectBackend } from "../trainer";

const [id, out, epochs, seed] = process.argv.slice(2);
const p = getPreset(id);
if (!p || !out) throw new Error("usage: full-run.ts PRESET OUT.json [maxEpochs] [seed]");
await selectBackend();
const testByEpoch: { epoch: number; testAccuracy: number; trainMs: number }[] = [];
const t0 = performance.now();
const r = await runTraining({
  architecture: p.architecture,
  training: seed ? { ...p.training, seed: Number(seed) } : p.training,
  maxEpochs: epochs ? Number(epochs) : undefined,
  onEpoch: (m) =>
    console.error(
      `[${id}] epoch ${m.epoch}: loss ${m.loss.toFixed(4)} val_acc ${m.valAccuracy?.toFixed(4)} ${m.samplesPerSec.toFixed(0)} samples/s`,
    ),
  onEpochTest: (epoch, testAccuracy, trainMs) => testByEpoch.push({ epoch, testAccuracy, trainMs }),
});
const { predictions: _p, ...rest } = r;
writeFileSync(
  out,
  JSON.stringify({
    preset: id,
    wallMs: performance.now() - t0,
    // ru_maxrss: kilobytes on Linux.
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    testByEpoch,
    ...rest,
  }),
);
