// Images to predict on, from files: IDX image files (gzipped or not, as Fashion-MNIST ships them)
// or 28×28 grayscale PNGs, as uint8 pixels back to back (what predictProbabilities scales by 1/255).
import { readFileSync } from "node:fs";
import { convertIndexedToRgb, decode } from "fast-png";
import { IMAGE_SIZE } from "../data/fashionMnist";
import { parseIdx } from "../data/idx";

/** An input file that isn't 28×28 grayscale images; the message names the file. */
export class ImageInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageInputError";
  }
}

export interface InputImages {
  images: Uint8Array;
  count: number;
  /** Where each image came from: `file` for a PNG, `file#i` for image i (0-based) of an IDX file. */
  sources: string[];
}

const isPng = (b: Uint8Array) => b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;

/** One 28×28 grayscale PNG → 784 pixels. Gray + alpha is composited onto black; RGB only when gray. */
export function pngPixels(bytes: Uint8Array, file: string): Uint8Array {
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new ImageInputError(`${file}: not a readable PNG (${(e as Error).message})`);
  }
  if (png.width !== 28 || png.height !== 28)
    throw new ImageInputError(`${file}: PNG is ${png.width}×${png.height}; predict takes 28×28 grayscale images`);
  let data: ArrayLike<number> = png.data;
  let channels = png.channels;
  let max = 2 ** png.depth - 1;
  if (png.palette) {
    data = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
    max = 255;
  }
  const out = new Uint8Array(IMAGE_SIZE);
  for (let i = 0; i < IMAGE_SIZE; i++) {
    const o = i * channels;
    let v = data[o];
    if (channels >= 3) {
      if (data[o + 1] !== v || data[o + 2] !== v)
        throw new ImageInputError(
          `${file}: PNG is in colour (pixel ${i % 28},${Math.floor(i / 28)}); predict takes grayscale images`,
        );
    }
    // Transparent pixels count as the black background.
    if (channels === 2 || channels === 4) v = (v * data[o + channels - 1]) / max;
    out[i] = Math.round((v * 255) / max);
  }
  return out;
}

function idxImages(bytes: Uint8Array, file: string): Uint8Array {
  let idx: ReturnType<typeof parseIdx>;
  try {
    idx = parseIdx(bytes, file);
  } catch (e) {
    throw new ImageInputError((e as Error).message);
  }
  const [n, ...rest] = idx.shape;
  const per = rest.reduce((a, b) => a * b, 1);
  if (rest.length === 0 || per !== IMAGE_SIZE)
    throw new ImageInputError(
      `${file}: IDX shape is (${idx.shape.join(", ")}); predict takes images of 28×28 (an images file, not a labels file)`,
    );
  return idx.data.subarray(0, n * IMAGE_SIZE);
}

/** Reads every file (PNG or IDX, told apart by content), keeping at most `limit` images. */
export function readInputImages(files: string[], limit = Number.POSITIVE_INFINITY): InputImages {
  const parts: Uint8Array[] = [];
  const sources: string[] = [];
  for (const file of files) {
    if (sources.length >= limit) break;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new ImageInputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (isPng(bytes)) {
      parts.push(pngPixels(bytes, file));
      sources.push(file);
      continue;
    }
    const all = idxImages(bytes, file);
    const n = Math.min(all.length / IMAGE_SIZE, limit - sources.length);
    parts.push(all.subarray(0, n * IMAGE_SIZE));
    for (let i = 0; i < n; i++) sources.push(`${file}#${i}`);
  }
  const images = new Uint8Array(sources.length * IMAGE_SIZE);
  let off = 0;
  for (const p of parts) {
    images.set(p, off);
    off += p.length;
  }
  return { images, count: sources.length, sources };
}
