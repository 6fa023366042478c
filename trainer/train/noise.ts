// Seeded training noise. tfjs draws Dropout masks (and GaussianNoise/GaussianDropout noise) from
// an unseeded Math.random, so two runs with the same seed differed and a resumed run was not the
// uninterrupted one. Before every step the loop gives each such layer a seed that is a function
// of (run seed, epoch, batch, replica, layer): tfjs's dropout takes a seed (tf.dropout →
// randomUniform(seed)); the two Gaussian layers ignore theirs, so their call is replaced by the
// same formula with the seed passed on (tfjs-layers 4.22 layers/noise.js).
//
// The masks depend on how a batch is split: a run on 2 threads is reproducible on 2 threads,
// not equal to the same run on 1 (as the wasm kernels, which pick code paths by CPU, already).
import * as tf from "@tensorflow/tfjs";
import { mixSeed } from "./augment";

type NoiseLayer = tf.layers.Layer & { seed?: number; rate?: number; stddev?: number };

/** Layers this module seeds; AlphaDropout keeps tfjs's unseeded draws (the run's notes say so). */
export const SEEDED_NOISE = new Set(["Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout"]);

const one = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);

/**
 * The model's noise layers in model order, ready to be seeded: Gaussian layers get a call that
 * uses their seed. Call once per built model.
 */
export function seedableNoiseLayers(model: tf.LayersModel): NoiseLayer[] {
  const layers = model.layers.filter((l) => SEEDED_NOISE.has(l.getClassName())) as NoiseLayer[];
  for (const layer of layers) {
    const kind = layer.getClassName();
    if (kind === "GaussianNoise") {
      layer.call = (inputs, kwargs) =>
        tf.tidy(() => {
          const x = one(inputs);
          return kwargs.training ? tf.add(x, tf.randomNormal(x.shape, 0, layer.stddev!, "float32", layer.seed)) : x;
        });
    } else if (kind === "GaussianDropout") {
      layer.call = (inputs, kwargs) =>
        tf.tidy(() => {
          const x = one(inputs);
          const rate = layer.rate!;
          if (!kwargs.training || !(rate > 0 && rate < 1)) return x;
          return tf.mul(x, tf.randomNormal(x.shape, 1, Math.sqrt(rate / (1 - rate)), "float32", layer.seed));
        });
    }
  }
  return layers;
}

/** Seeds every noise layer for one step (replica `shard` of `batch` in `epoch`). */
export function seedNoise(layers: NoiseLayer[], seed: number, epoch: number, batch: number, shard: number): void {
  for (const [i, layer] of layers.entries()) layer.seed = mixSeed(seed, epoch, batch, shard, i, 0xd0);
}
