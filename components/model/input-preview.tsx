"use client";
import { useEffect, useRef } from "react";
import { SIZE } from "./preprocess";

/** A 28×28 input (0..1, white on black) as the model sees it, shown large with visible pixels. */
export function InputPreview({
  pixels,
  label,
  size = 112,
}: {
  pixels: Float32Array | null;
  label: string;
  size?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    const image = context.createImageData(SIZE, SIZE);
    for (let i = 0; i < SIZE * SIZE; i++) {
      const v = Math.round((pixels?.[i] ?? 0) * 255);
      image.data.set([v, v, v, 255], i * 4);
    }
    context.putImageData(image, 0, 0);
  }, [pixels]);
  return (
    <canvas
      ref={canvas}
      width={SIZE}
      height={SIZE}
      role="img"
      aria-label={label}
      className="rounded bg-black ring-1 ring-slate-300 [image-rendering:pixelated]"
      style={{ width: size, height: size }}
    />
  );
}
