"use client";
import { type PointerEvent, type Ref, useCallback, useEffect, useImperativeHandle, useRef, useState } from "react";
import { Button, cx } from "../ui";

// Where a picture comes from: a canvas drawn on with mouse, finger or pen (pointer events, so
// one code path for all three; touch-action none so a finger draws instead of scrolling), or a
// photo uploaded, pasted or dropped. It hands out RGBA pixels; preprocess.ts does the rest.

export type Picture = { kind: "drawing"; image: ImageData } | { kind: "photo"; image: ImageData; name: string };

export interface DrawingPadHandle {
  /** Shows a picture chosen elsewhere (a test image) without handing it back. */
  show: (image: ImageData) => void;
}

/** Photos are read at most this large: plenty for a 28×28 result, and quick to go through. */
const MAX_PHOTO_SIDE = 512;

const BACKGROUND = "#000";

/** The pad's 2-D context; it is read back every frame while drawing, hence willReadFrequently. */
const context2d = (canvas: HTMLCanvasElement | null) => canvas?.getContext("2d", { willReadFrequently: true }) ?? null;

export function DrawingPad({
  onPicture,
  size = 280,
  handle,
}: {
  onPicture: (picture: Picture) => void;
  size?: number;
  handle?: Ref<DrawingPadHandle>;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const frame = useRef(0);
  const mode = useRef<"drawing" | "photo">("drawing");
  const [brush, setBrush] = useState(18);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onPictureRef = useRef(onPicture);
  onPictureRef.current = onPicture;

  /** Hands the drawing over at most once a frame, however fast the pointer moves. */
  const emitSoon = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const ctx = context2d(canvas.current);
      if (ctx) onPictureRef.current({ kind: "drawing", image: ctx.getImageData(0, 0, size, size) });
    });
  }, [size]);

  const clear = useCallback(() => {
    const ctx = context2d(canvas.current);
    if (!ctx) return;
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, size, size);
    mode.current = "drawing";
    setError(null);
    emitSoon();
  }, [size, emitSoon]);

  useEffect(() => {
    clear();
    return () => cancelAnimationFrame(frame.current);
  }, [clear]);

  /** Draws `image` fitted into the square on a light backdrop, as a preview of what was given. */
  const display = useCallback(
    (image: CanvasImageSource, width: number, height: number, smooth: boolean) => {
      const ctx = context2d(canvas.current);
      if (!ctx) return;
      ctx.fillStyle = "#e2e8f0";
      ctx.fillRect(0, 0, size, size);
      const scale = Math.min(size / width, size / height);
      ctx.imageSmoothingEnabled = smooth;
      ctx.drawImage(image, (size - width * scale) / 2, (size - height * scale) / 2, width * scale, height * scale);
      mode.current = "photo";
    },
    [size],
  );

  useImperativeHandle(
    handle,
    () => ({
      show(image: ImageData) {
        const small = document.createElement("canvas");
        small.width = image.width;
        small.height = image.height;
        small.getContext("2d")!.putImageData(image, 0, 0);
        display(small, image.width, image.height, false);
      },
    }),
    [display],
  );

  const takePhoto = useCallback(
    async (file: Blob, name: string) => {
      setError(null);
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(file);
      } catch {
        setError(`${name} is not a picture this browser can read (try a PNG or JPEG).`);
        return;
      }
      const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
      const width = Math.max(1, Math.round(bitmap.width * scale));
      const height = Math.max(1, Math.round(bitmap.height * scale));
      const reader = document.createElement("canvas");
      reader.width = width;
      reader.height = height;
      const ctx = reader.getContext("2d", { willReadFrequently: true })!;
      ctx.drawImage(bitmap, 0, 0, width, height);
      // A tiny picture (a 28×28 test image) is shown with its pixels, a photo smoothly.
      display(bitmap, bitmap.width, bitmap.height, bitmap.width > 64);
      bitmap.close();
      onPictureRef.current({ kind: "photo", image: ctx.getImageData(0, 0, width, height), name });
    },
    [display],
  );

  // Paste anywhere on the page (but not into a text field) gives the pad the clipboard's image.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, [contenteditable='true']")) return;
      const item = [...(event.clipboardData?.items ?? [])].find((i) => i.type.startsWith("image/"));
      const file = item?.getAsFile();
      if (!file) return;
      event.preventDefault();
      void takePhoto(file, "The pasted image");
    };
    document.addEventListener("paste", onPaste);
    return () => document.removeEventListener("paste", onPaste);
  }, [takePhoto]);

  const point = (event: PointerEvent<HTMLCanvasElement> | globalThis.PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * size) / rect.width,
      y: ((event.clientY - rect.top) * size) / rect.height,
    };
  };

  const strokeTo = (to: { x: number; y: number }, pressure: number, pen: boolean) => {
    const ctx = context2d(canvas.current);
    if (!ctx || !last.current) return;
    ctx.strokeStyle = "#fff";
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    // A pen draws thinner or thicker with pressure; mouse and touch report a constant 0.5.
    ctx.lineWidth = pen && pressure > 0 ? brush * (0.5 + pressure) : brush;
    ctx.beginPath();
    ctx.moveTo(last.current.x, last.current.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    last.current = to;
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    if (mode.current === "photo") clear();
    last.current = point(event);
    strokeTo(last.current, event.pressure, event.pointerType === "pen");
    emitSoon();
  };

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    if (!last.current) return;
    // Coalesced events: every position the pointer passed since the last frame, for smooth lines.
    const events = event.nativeEvent.getCoalescedEvents?.() ?? [];
    for (const e of events.length ? events : [event.nativeEvent]) {
      strokeTo(point(e), e.pressure, e.pointerType === "pen");
    }
    emitSoon();
  };

  const onPointerUp = () => {
    if (!last.current) return;
    last.current = null;
    emitSoon();
  };

  return (
    <div className="space-y-3" style={{ maxWidth: size }}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop zone; the file input below is the keyboard path. */}
      <div
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          const file = [...event.dataTransfer.files].find((f) => f.type.startsWith("image/"));
          if (file) void takePhoto(file, file.name);
          else setError("Drop a picture file (PNG, JPEG, …).");
        }}
        className={cx("w-fit max-w-full rounded-lg", dragging && "ring-4 ring-brand-500")}
      >
        <canvas
          ref={canvas}
          width={size}
          height={size}
          data-testid="drawing-canvas"
          aria-label="Drawing canvas: draw a piece of clothing with a mouse, finger or pen"
          role="img"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          className="block aspect-square max-w-full cursor-crosshair touch-none rounded-lg bg-black ring-1 ring-slate-300"
          style={{ width: size }}
        />
      </div>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <label className="flex items-center gap-2 text-slate-700">
          Brush
          <input
            type="range"
            min={4}
            max={48}
            step={2}
            value={brush}
            onChange={(event) => setBrush(Number(event.target.value))}
            aria-label="Brush size"
            className="w-24 accent-brand-600"
          />
        </label>
        <Button type="button" variant="secondary" onClick={clear}>
          Clear
        </Button>
        <label className="cursor-pointer rounded-md bg-white px-3.5 py-2 font-semibold text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 focus-within:outline-2 focus-within:outline-brand-600 hover:bg-slate-50">
          Upload a picture
          <input
            type="file"
            accept="image/*"
            className="sr-only"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void takePhoto(file, file.name);
              event.target.value = "";
            }}
          />
        </label>
      </div>
      <p className="text-xs text-slate-500">
        Draw with a mouse, finger or pen, or upload, paste (Ctrl+V) or drop a photo. Photos of one garment on a plain
        background work best.
      </p>
      {error && (
        <p role="alert" className="text-sm text-rose-700">
          {error}
        </p>
      )}
    </div>
  );
}
