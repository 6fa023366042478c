// Data augmentation on the fly, seeded (the training config's `augmentation`): each image is
// transformed by a function of (seed, epoch, its place in the epoch's order), so the same run
// sees the same images whether it trains on one thread or several (replicas augment their own
// shards with the same keys), and a resumed run continues exactly. Works on 28×28 grey images
// scaled to [0, 1], in place, before they become a tensor.
import type { Augmentation } from "../arch/training";
import { rng } from "../data/scoring";

const SIDE = 28;
const AREA = SIDE * SIDE;

/** A 32-bit hash of a few integers (murmur3's finaliser over a running mix). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Whether the augmentation changes anything (a config of all defaults does not). */
export function augments(a: Augmentation | null): a is Augmentation {
  return !!a && (a.randomTranslation > 0 || a.randomFlip !== "none" || (a.randomErasing?.factor ?? 0) > 0);
}

/**
 * Augments `count` images stored back to back in `xs` (each AREA floats) in place; image i is the
 * one at position `firstPosition + i` of epoch `epoch`'s order.
 */
export function augmentImages(
  xs: Float32Array,
  count: number,
  a: Augmentation,
  key: { seed: number; epoch: number; firstPosition: number },
): void {
  const scratch = new Float32Array(AREA);
  for (let i = 0; i < count; i++) {
    const img = xs.subarray(i * AREA, (i + 1) * AREA);
    const next = rng(mixSeed(key.seed, key.epoch, key.firstPosition + i, 0xa11ce));
    augmentOne(img, a, next, scratch);
  }
}

function augmentOne(img: Float32Array, a: Augmentation, next: () => number, scratch: Float32Array): void {
  // The draws happen in a fixed order whatever is enabled, so turning one transform on doesn't
  // change what the others draw.
  const k = a.randomTranslation;
  const dx = Math.floor(next() * (2 * k + 1)) - k;
  const dy = Math.floor(next() * (2 * k + 1)) - k;
  const flip = a.randomFlip === "horizontal" && next() < 0.5;
  const erase = a.randomErasing !== null && next() < a.randomErasing.factor;
  if (dx !== 0 || dy !== 0 || flip) {
    scratch.fill(0);
    for (let y = 0; y < SIDE; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= SIDE) continue;
      for (let x = 0; x < SIDE; x++) {
        // Output pixel (x, y) comes from the flipped image shifted by (dx, dy).
        const fx = x - dx;
        if (fx < 0 || fx >= SIDE) continue;
        const sx = flip ? SIDE - 1 - fx : fx;
        scratch[y * SIDE + x] = img[sy * SIDE + sx];
      }
    }
    img.set(scratch);
  }
  if (erase && a.randomErasing) {
    const { scale, fillValue } = a.randomErasing;
    // Zhong et al.'s procedure: up to 10 tries at a rectangle of the drawn area and aspect ratio
    // (log-uniform in 0.3–3.3) that fits; none fitting leaves the image as it is.
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = AREA * (scale[0] + (scale[1] - scale[0]) * next());
      const ratio = Math.exp(Math.log(0.3) + (Math.log(3.3) - Math.log(0.3)) * next());
      const h = Math.round(Math.sqrt(area * ratio));
      const w = Math.round(Math.sqrt(area / ratio));
      if (h < 1 || w < 1 || h >= SIDE || w >= SIDE) continue;
      const top = Math.floor(next() * (SIDE - h + 1));
      const left = Math.floor(next() * (SIDE - w + 1));
      for (let y = top; y < top + h; y++) img.fill(fillValue, y * SIDE + left, y * SIDE + left + w);
      break;
    }
  }
}
