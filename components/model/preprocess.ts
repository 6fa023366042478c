// From any picture (a canvas drawing, a photo of any size) to the 28×28 input a Fashion-MNIST
// model was trained on. Pure and browser-safe: no DOM, no tfjs, so vitest checks it directly and
// the browser runs the same code on every stroke.
//
// Fashion-MNIST's own recipe (Xiao, Rasul & Vollgraf 2017, §2): trim the edges close to the
// corner colour, resize the LONGEST EDGE TO 28 px, centre the result on the canvas, negate,
// grayscale. Two differences from MNIST matter here, both checked on the committed test subset:
// garments fill the frame (90 % of the images have a longest side of 27-28 px; MNIST's 20 px box
// would shrink them by 30 %), and they are centred by their bounding box (left and right margins
// differ by at most one pixel, the spare one on the left), not by their centre of mass. Both
// are options (`objectSize`, `centre`) for models trained otherwise. A photo's background is
// rarely one flat colour: its level and grain are judged from the border, the level subtracted
// and the grain cut, and the contrast stretched so the brightest pixel is 1, as in the data set.

/** An RGBA image: an ImageData, or anything shaped like one. */
export interface RgbaImage {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Preprocessed {
  /** 28×28 row-major, 0 (background) to 1 (brightest part of the object). */
  pixels: Float32Array;
  /** Nothing stood out from the background: all zeros (the UI asks for a drawing). */
  empty: boolean;
  /** The background was light (judged from the border) and the picture was negated. */
  inverted: boolean;
  /** The object's bounding box in the source image's pixels; null when empty. */
  box: Box | null;
}

export interface PreprocessOptions {
  /** Longest side of the object in the 28×28 frame (Fashion-MNIST: 28; MNIST: 20). */
  objectSize?: number;
  /** Centre the bounding box (Fashion-MNIST) or the centre of mass (MNIST) in the frame. */
  centre?: "box" | "mass";
  /** Contrast against the background (0..1) below which the picture counts as empty. */
  minContrast?: number;
}

export const SIZE = 28;
const DEFAULTS = { objectSize: SIZE, centre: "box", minContrast: 0.1 } satisfies Required<PreprocessOptions>;

/** Brightness 0..1 (Rec. 601 luma), transparent parts shown over white as a page would show them. */
export function luminance(image: RgbaImage): Float32Array {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`The image must be at least 1×1 pixels with whole sizes; got ${width}×${height}.`);
  }
  if (data.length !== width * height * 4) {
    throw new Error(`A ${width}×${height} RGBA image has ${width * height * 4} values; got ${data.length}.`);
  }
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const a = data[i * 4 + 3]! / 255;
    const y = (0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!) / 255;
    out[i] = a * y + (1 - a);
  }
  return out;
}

/**
 * The background, judged from the outermost ring of pixels: its level (the median) and its grain
 * (the spread around that level, from the median absolute deviation: robust to an object that
 * touches the border, and 0 for a canvas or a data-set image).
 */
export function borderLevel(gray: Float32Array, width: number, height: number): { level: number; grain: number } {
  const ring: number[] = [];
  for (let x = 0; x < width; x++) ring.push(gray[x]!, gray[(height - 1) * width + x]!);
  for (let y = 1; y < height - 1; y++) ring.push(gray[y * width]!, gray[y * width + width - 1]!);
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const level = median(ring);
  return { level, grain: 1.4826 * median(ring.map((v) => Math.abs(v - level))) };
}

/**
 * For each of `n` output cells of one axis, the source pixels it covers and their weights: cell
 * u spans source [(u - offset) / scale, (u + 1 - offset) / scale), each source pixel i spans
 * [i, i + 1), and a cell is the area-weighted mean of what it covers (pixels beyond the image
 * count as background). An area average, not point sampling: a 4,000-pixel photo shrinks to
 * 28 without aliasing.
 */
function axisWeights(n: number, length: number, scale: number, offset: number): { index: number; weight: number }[][] {
  const cells: { index: number; weight: number }[][] = [];
  for (let u = 0; u < n; u++) {
    const from = (u - offset) / scale;
    const to = (u + 1 - offset) / scale;
    const taps: { index: number; weight: number }[] = [];
    for (let i = Math.max(0, Math.floor(from)); i < Math.min(length, Math.ceil(to)); i++) {
      const overlap = Math.min(to, i + 1) - Math.max(from, i);
      if (overlap > 0) taps.push({ index: i, weight: overlap * scale });
    }
    cells.push(taps);
  }
  return cells;
}

/**
 * Where source pixel 0 of one axis lands in the frame (frame = offset + source × scale): the box
 * or the centre of mass in the middle, the box kept inside the frame. When the object's scaled
 * size is a whole number of pixels, the offset is too: a picture that needs no resampling is
 * moved, not blurred, and a box with a pixel to spare keeps it on the left (or top), as
 * Fashion-MNIST does, so the data set's own images come through unchanged.
 */
function placement(start: number, extent: number, mass: number, scale: number, centre: "box" | "mass"): number {
  const whole = Math.abs(extent * scale - Math.round(extent * scale)) < 1e-6;
  if (centre === "box") {
    const exact = (SIZE - extent * scale) / 2 - start * scale;
    return whole ? Math.ceil(exact - 1e-9) : exact;
  }
  const centred = whole ? Math.round(SIZE / 2 - mass * scale) : SIZE / 2 - mass * scale;
  return Math.min(SIZE - (start + extent) * scale, Math.max(-start * scale, centred));
}

/** Any picture → the 28×28 Fashion-MNIST-like input (see the top of this file). */
export function preprocess(image: RgbaImage, options: PreprocessOptions = {}): Preprocessed {
  const { objectSize, centre, minContrast } = { ...DEFAULTS, ...options };
  const { width, height } = image;
  const gray = luminance(image);
  const background = borderLevel(gray, width, height);
  const inverted = background.level > 0.5;
  // Light object on black; the background's level and grain go to 0.
  const level = inverted ? 1 - background.level : background.level;
  const floor = Math.max(1 / 512, 3 * background.grain);
  let peak = 0;
  for (let i = 0; i < gray.length; i++) {
    const v = (inverted ? 1 - gray[i]! : gray[i]!) - level;
    gray[i] = v > floor ? v : 0;
    if (v > peak) peak = v;
  }
  const pixels = new Float32Array(SIZE * SIZE);
  if (peak < Math.max(minContrast, 2 * floor)) return { pixels, empty: true, inverted, box: null };

  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = gray[y * width + x]! / peak;
      gray[y * width + x] = v;
      if (v === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const box = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  const scale = objectSize / Math.max(box.width, box.height);
  const columns = axisWeights(SIZE, width, scale, placement(box.x, box.width, mx / mass, scale, centre));
  const rows = axisWeights(SIZE, height, scale, placement(box.y, box.height, my / mass, scale, centre));

  // Separable: each source row is reduced to 28 columns once, then the rows are combined.
  const reduced = new Float32Array(height * SIZE);
  for (const y of new Set(rows.flat().map((t) => t.index))) {
    for (let u = 0; u < SIZE; u++) {
      let sum = 0;
      for (const { index, weight } of columns[u]!) sum += weight * gray[y * width + index]!;
      reduced[y * SIZE + u] = sum;
    }
  }
  for (let v = 0; v < SIZE; v++) {
    for (let u = 0; u < SIZE; u++) {
      let sum = 0;
      for (const { index, weight } of rows[v]!) sum += weight * reduced[index * SIZE + u]!;
      pixels[v * SIZE + u] = Math.min(1, Math.max(0, sum));
    }
  }
  return { pixels, empty: false, inverted, box };
}

/** A 28×28 grayscale image as stored in Fashion-MNIST (bytes 0-255) → model input 0..1, unchanged otherwise. */
export function fromGrayscaleBytes(bytes: ArrayLike<number>): Float32Array {
  if (bytes.length !== SIZE * SIZE) throw new Error(`A 28×28 image has 784 pixels; got ${bytes.length}.`);
  return Float32Array.from(bytes, (b) => b / 255);
}
