"use client";
import { useEffect, useRef } from "react";
import type { MapStack } from "./insight";

// Small images (filters, feature maps) drawn as one pixelated grid per layer on a canvas, and a
// layer's units as a strip of bars: hundreds of maps stay cheap to redraw on every stroke.

/** viridis at five stops: dark purple (0) → teal → yellow (1), readable in gray print too. */
const STOPS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
] as const;

function viridis(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(t));
  const f = t - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

const gray = (v: number): [number, number, number] => [v * 255, v * 255, v * 255];

export function MapGrid({
  stack,
  label,
  cell = 56,
  columns = 8,
  palette = "viridis",
  gap = 2,
  testId,
}: {
  stack: MapStack;
  label: string;
  /** About how many pixels wide each map is drawn. */
  cell?: number;
  columns?: number;
  palette?: "viridis" | "gray";
  /** Pixels between maps. */
  gap?: number;
  testId?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const scale = Math.max(1, Math.round(cell / Math.max(stack.width, stack.height)));
  const cols = Math.max(1, Math.min(stack.maps.length, columns));
  const rows = Math.ceil(stack.maps.length / cols);
  const w = cols * (stack.width * scale + gap) - gap;
  const h = rows * (stack.height * scale + gap) - gap;

  useEffect(() => {
    const ctx = canvas.current?.getContext("2d");
    if (!ctx) return;
    const image = ctx.createImageData(w, h);
    // The gaps in light slate, so a white filter pixel still shows where its filter ends.
    for (let i = 0; i < w * h; i++) image.data.set([226, 232, 240, 255], i * 4);
    const colour = palette === "gray" ? gray : viridis;
    stack.maps.forEach((map, m) => {
      const ox = (m % cols) * (stack.width * scale + gap);
      const oy = Math.floor(m / cols) * (stack.height * scale + gap);
      for (let y = 0; y < stack.height * scale; y++) {
        for (let x = 0; x < stack.width * scale; x++) {
          const [r, g, b] = colour(map[Math.floor(y / scale) * stack.width + Math.floor(x / scale)]!);
          image.data.set([r, g, b, 255], ((oy + y) * w + ox + x) * 4);
        }
      }
    });
    ctx.putImageData(image, 0, 0);
  }, [stack, w, h, cols, scale, palette, gap]);

  return (
    <canvas
      ref={canvas}
      width={w}
      height={h}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-maps={stack.maps.length}
      className="max-w-full [image-rendering:pixelated]"
    />
  );
}

/** One bar per unit, up from (or down from) zero, scaled to the layer's own range. */
export function UnitStrip({
  values,
  range,
  label,
  testId,
}: {
  values: Float32Array;
  range: [number, number];
  label: string;
  testId?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const bar = Math.max(1, Math.min(8, Math.floor(640 / values.length)));
  const w = values.length * bar;
  const h = 48;
  useEffect(() => {
    const ctx = canvas.current?.getContext("2d");
    if (!ctx) return;
    ctx.clearRect(0, 0, w, h);
    const [min, max] = range;
    const span = max - min || 1;
    const zero = h * (max / span);
    ctx.fillStyle = "#e2e8f0";
    ctx.fillRect(0, Math.round(zero), w, 1);
    values.forEach((v, i) => {
      const [r, g, b] = viridis((v - min) / span);
      ctx.fillStyle = `rgb(${r | 0} ${g | 0} ${b | 0})`;
      const top = zero - (v / span) * h;
      ctx.fillRect(
        i * bar,
        Math.min(top, zero),
        Math.max(1, bar - (bar > 2 ? 1 : 0)),
        Math.max(1, Math.abs(zero - top)),
      );
    });
  }, [values, range, w, bar]);
  return (
    <canvas
      ref={canvas}
      width={w}
      height={h}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-units={values.length}
      className="h-12 max-w-full"
    />
  );
}
