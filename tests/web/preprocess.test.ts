import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromGrayscaleBytes, preprocess, type RgbaImage, SIZE } from "@/components/model/preprocess";
import { parseIdx } from "@/trainer/data";

// The Try-it input pipeline (components/model/preprocess.ts) on synthetic pictures with known
// answers, and on real Fashion-MNIST test images, which are already in the target format.

/** An opaque RGBA image whose gray level at (x, y) is `level(x, y)` (0-255). */
function image(width: number, height: number, level: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = level(x, y);
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

const at = (pixels: Float32Array, x: number, y: number) => pixels[y * SIZE + x]!;

/** Bounding box (pixels > 0.2) and centre of mass (continuous coordinates) of a 28×28 result. */
function measure(pixels: Float32Array) {
  let x0 = SIZE;
  let x1 = -1;
  let y0 = SIZE;
  let y1 = -1;
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const v = at(pixels, x, y);
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
      if (v > 0.2) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1, cx: mx / mass, cy: my / mass, max: Math.max(...pixels) };
}

describe("preprocess", () => {
  it("turns a photo of a dark shape on a white background into a light object on black, centred, longest side 28", () => {
    // 300×200, off-white paper with grain, a dark 60 wide × 140 tall rectangle near the left edge.
    const photo = image(300, 200, (x, y) => {
      const grain = ((x * 7 + y * 13) % 5) - 2;
      return x >= 20 && x < 80 && y >= 40 && y < 180 ? 40 + grain : 235 + grain;
    });
    const out = preprocess(photo);
    expect(out).toMatchObject({ empty: false, inverted: true, box: { x: 20, y: 40, width: 60, height: 140 } });
    const m = measure(out.pixels);
    // 140 px → 28 rows, 60 px → 12 columns, moved from the left edge to the middle.
    expect(m.height).toBe(28);
    expect(m.width).toBe(12);
    expect(Math.abs(m.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(m.max).toBeGreaterThan(0.97);
    // The paper (and its grain) is black: the corners and the columns beside the object are 0.
    for (const [x, y] of [
      [0, 0],
      [27, 0],
      [0, 27],
      [27, 27],
      [4, 14],
      [23, 14],
    ] as const) {
      expect(at(out.pixels, x, y)).toBe(0);
    }
  });

  it("leaves an already-dark drawing uninverted; centres its box (Fashion-MNIST) or its mass (MNIST)", () => {
    // A 280×280 canvas as Try it draws: black, with a light L (a heavy bar and a thin foot) top-left.
    const drawing = image(280, 280, (x, y) => {
      const bar = x >= 30 && x < 70 && y >= 20 && y < 140;
      const foot = x >= 70 && x < 130 && y >= 130 && y < 140;
      return bar || foot ? 255 : 0;
    });
    const out = preprocess(drawing);
    expect(out).toMatchObject({ empty: false, inverted: false, box: { x: 30, y: 20, width: 100, height: 120 } });
    // 120 rows → 28, 100 columns → 23.3: the box is centred, its spare pixel on the left.
    const box = measure(out.pixels);
    expect(box).toMatchObject({ height: 28 });
    expect(box.width).toBeGreaterThanOrEqual(23);
    expect(box.width).toBeLessThanOrEqual(24);
    const left = [...Array(SIZE).keys()].find((x) => at(out.pixels, x, 27) > 0)!;
    const right = SIZE - 1 - [...Array(SIZE).keys()].reverse().find((x) => at(out.pixels, x, 27) > 0)!;
    expect(left - right).toBeGreaterThanOrEqual(0);
    expect(left - right).toBeLessThanOrEqual(1);
    // By mass: the heavy bar moves towards the middle, the foot's end goes further right.
    const byMass = measure(preprocess(drawing, { centre: "mass", objectSize: 20 }).pixels);
    expect(Math.abs(byMass.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(byMass.cy - 14)).toBeLessThanOrEqual(0.5);
    // 20 rows, and partly covered ones at the edges when the mass falls between pixels.
    expect(byMass.height).toBeGreaterThanOrEqual(20);
    expect(byMass.height).toBeLessThanOrEqual(21);
  });

  it("says an empty canvas is empty and gives all zeros, black or white", () => {
    for (const level of [0, 255, 128]) {
      const out = preprocess(image(280, 280, () => level));
      expect(out.empty).toBe(true);
      expect(out.box).toBeNull();
      expect(out.pixels.every((v) => v === 0)).toBe(true);
    }
    // A few stray specks of grain are still nothing.
    const specks = preprocess(image(280, 280, (x, y) => ((x * 31 + y * 17) % 97 === 0 ? 12 : 0)));
    expect(specks.empty).toBe(true);
  });

  it("shows transparent parts over white: a cut-out on a transparent background is negated", () => {
    const width = 100;
    const height = 100;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 30; y < 70; y++) {
      for (let x = 40; x < 60; x++) data.set([20, 20, 20, 255], (y * width + x) * 4);
    }
    const out = preprocess({ width, height, data });
    expect(out).toMatchObject({ empty: false, inverted: true });
    expect(measure(out.pixels)).toMatchObject({ width: 14, height: 28 });
  });

  it("removes a mid-grey background and stretches a low-contrast object to full brightness", () => {
    const out = preprocess(image(64, 64, (x, y) => (Math.hypot(x - 32, y - 32) < 16 ? 120 : 170)));
    expect(out.inverted).toBe(true);
    expect(at(out.pixels, 0, 0)).toBe(0);
    expect(at(out.pixels, 14, 14)).toBeCloseTo(1, 5);
  });

  it("passes real Fashion-MNIST test images through almost unchanged", () => {
    const dir = process.env.FASHION_MNIST_DIR!;
    const images = parseIdx(readFileSync(join(dir, "t10k-images-idx3-ubyte.gz"))).data;
    const errors: number[] = [];
    for (let n = 0; n < 200; n++) {
      const bytes = images.subarray(n * 784, (n + 1) * 784);
      const out = preprocess(image(28, 28, (x, y) => bytes[y * 28 + x]!));
      const original = fromGrayscaleBytes(bytes);
      let sum = 0;
      for (let i = 0; i < 784; i++) sum += Math.abs(out.pixels[i]! - original[i]!);
      errors.push(sum / 784);
    }
    errors.sort((a, b) => a - b);
    // Already trimmed, box-centred and at full contrast: nearly all come through as they are.
    // (The few others have a stray pixel past the trim and are moved or rescaled by a pixel.)
    expect(errors[190]!).toBeLessThan(0.001);
    expect(errors[199]!).toBeLessThan(0.2);
  });

  it("names what is wrong with a malformed image", () => {
    expect(() => preprocess({ width: 2, height: 2, data: new Uint8ClampedArray(15) })).toThrow(
      "A 2×2 RGBA image has 16 values; got 15.",
    );
    expect(() => preprocess({ width: 0, height: 5, data: [] })).toThrow("at least 1×1");
    expect(() => fromGrayscaleBytes(new Uint8Array(10))).toThrow("784 pixels; got 10");
  });
});
