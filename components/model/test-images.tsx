"use client";
import { useState } from "react";
import type { TestSample } from "@/lib/server/services/gallery";
import { Button, cx } from "../ui";
import { type LoadedModel, predictBatch } from "./inference";
import { InputPreview } from "./input-preview";
import { fromGrayscaleBytes, SIZE } from "./preprocess";

interface Tried {
  index: number;
  label: number;
  pixels: Float32Array;
  probabilities: number[];
}

/** A test image's PNG (28×28 grayscale, from the gallery's route) as its 784 bytes. */
async function testImageBytes(submissionId: string, index: number): Promise<Uint8ClampedArray> {
  const image = new Image();
  image.src = `/api/submissions/${submissionId}/test-images/${index}`;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  ctx.drawImage(image, 0, 0);
  const rgba = ctx.getImageData(0, 0, SIZE, SIZE).data;
  return Uint8ClampedArray.from({ length: SIZE * SIZE }, (_, i) => rgba[i * 4]!);
}

/**
 * "Try test images": random images of the test set (the public half for students) with their
 * true class, and what the model in this browser says of each. Test images are fed as they are
 * stored (no preprocessing: they are the format already), as the trainer scored them.
 */
export function TestImages({
  submissionId,
  loaded,
  onTry,
}: {
  submissionId: string;
  loaded: LoadedModel;
  onTry: (pixels: Float32Array, caption: string) => void;
}) {
  const [tried, setTried] = useState<{ scope: TestSample["scope"]; images: Tried[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const names = loaded.classNames;

  const draw = async () => {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/api/submissions/${submissionId}/test-images?count=8`);
      const body = (await response.json()) as TestSample & { error?: { message: string } };
      if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
      const pixels = await Promise.all(
        body.images.map(async ({ index }) => fromGrayscaleBytes(await testImageBytes(submissionId, index))),
      );
      const { probabilities } = await predictBatch(loaded, pixels);
      setTried({
        scope: body.scope,
        images: body.images.map((image, i) => ({ ...image, pixels: pixels[i]!, probabilities: probabilities[i]! })),
      });
    } catch (e) {
      setError(`Could not load test images: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" onClick={draw} disabled={busy}>
          {tried ? "Show other test images" : "Show random test images"}
        </Button>
        {tried && (
          <p className="text-xs text-slate-500">
            {tried.scope === "public"
              ? "From the public half of the test set."
              : "From the whole test set (graders see the private half too)."}
          </p>
        )}
      </div>
      {error && (
        <p role="alert" className="text-sm text-rose-700">
          {error}
        </p>
      )}
      {tried && (
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Test images">
          {tried.images.map(({ index, label, pixels, probabilities }) => {
            const predicted = probabilities.indexOf(Math.max(...probabilities));
            const right = predicted === label;
            return (
              <li
                key={index}
                data-testid="test-image"
                data-true={names[label]}
                data-predicted={names[predicted]}
                className={cx(
                  "flex flex-col items-center gap-1 rounded-lg p-2 text-center text-xs ring-1",
                  right ? "ring-emerald-200" : "bg-rose-50 ring-rose-200",
                )}
              >
                <InputPreview pixels={pixels} label={`Test image ${index}: ${names[label]}`} size={84} />
                <span className="text-slate-500">#{index}</span>
                <span>
                  True: <span className="font-medium">{names[label]}</span>
                </span>
                <span className={right ? "text-emerald-700" : "text-rose-700"}>
                  {right ? "✓" : "✗"} Model: {names[predicted]} ({(probabilities[predicted]! * 100).toFixed(0)} %)
                </span>
                <button
                  type="button"
                  className="font-medium text-brand-600 hover:text-brand-700"
                  onClick={() => onTry(pixels, `Test image #${index} (${names[label]})`)}
                  aria-label={`Try test image ${index} in the model`}
                >
                  Look inside
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
