"use client";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { CLASS_NAMES } from "@/trainer/arch";
import { Card } from "../ui";
import { DrawingPad, type DrawingPadHandle, type Picture } from "./drawing-pad";
import { type Prediction, predict } from "./inference";
import { InputPreview } from "./input-preview";
import { preprocess, SIZE } from "./preprocess";
import { ProbabilityChart } from "./probability-chart";
import { TestImages } from "./test-images";
import { useLatest, useModel } from "./use-model";
import { WhatItLearned } from "./what-it-learned";

// A submission's stored model, run in this browser (no server round trip per stroke): Try it
// (draw or give a photo, see the 28×28 input and the class probabilities), and on the model's own
// page also random test images and what its layers learned. `compact` is the submission page's
// version: Try it only, with a link to the rest, and nothing loaded until it scrolls into view.

export const modelFilesUrl = (submissionId: string) => `/api/submissions/${submissionId}/model/files`;

interface Input {
  pixels: Float32Array;
  empty: boolean;
  caption: string;
}

/** True once `ref` is within a screen of the viewport (then stays true). */
function useNearViewport(ref: React.RefObject<HTMLElement | null>, enabled: boolean): boolean {
  const [near, setNear] = useState(!enabled);
  useEffect(() => {
    if (!enabled || near || !ref.current) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), {
      rootMargin: "100% 0px",
    });
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, [ref, enabled, near]);
  return near;
}

export function ModelLab({
  submissionId,
  compact = false,
  canSampleTestImages = true,
}: {
  submissionId: string;
  compact?: boolean;
  /** Whether the viewer may draw test images of this submission (its author and graders). */
  canSampleTestImages?: boolean;
}) {
  const root = useRef<HTMLDivElement>(null);
  const near = useNearViewport(root, compact);
  return (
    <div ref={root} data-testid="model-lab">
      {near ? (
        <LoadedLab submissionId={submissionId} compact={compact} canSampleTestImages={canSampleTestImages} />
      ) : (
        <p className="text-sm text-slate-500">Loading the model…</p>
      )}
    </div>
  );
}

function LoadedLab({
  submissionId,
  compact,
  canSampleTestImages,
}: {
  submissionId: string;
  compact: boolean;
  canSampleTestImages: boolean;
}) {
  const model = useModel(modelFilesUrl(submissionId), CLASS_NAMES);
  const [input, setInput] = useState<Input | null>(null);
  const [prediction, setPrediction] = useState<Prediction | null>(null);
  const pad = useRef<DrawingPadHandle>(null);
  const root = useRef<HTMLDivElement>(null);
  const loaded = model.status === "ready" ? model.loaded : null;

  const run = useLatest(async (next: Input) => {
    if (!loaded) return;
    setPrediction(next.empty ? null : await predict(loaded, next.pixels));
  });
  useEffect(() => {
    if (input && loaded) run(input);
  }, [input, loaded, run]);

  const onPicture = useCallback((picture: Picture) => {
    const out = preprocess(picture.image);
    setInput({
      pixels: out.pixels,
      empty: out.empty,
      caption:
        picture.kind === "photo"
          ? `${picture.name}${out.inverted ? ", negated (its background was light)" : ""}`
          : "Your drawing",
    });
  }, []);

  const onTry = useCallback((pixels: Float32Array, caption: string) => {
    const image = new ImageData(SIZE, SIZE);
    pixels.forEach((v, i) => {
      image.data.set([v * 255, v * 255, v * 255, 255], i * 4);
    });
    pad.current?.show(image);
    setInput({ pixels, empty: false, caption });
    root.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, []);

  const tryIt = (
    <div ref={root} className="grid gap-6 md:grid-cols-[auto_minmax(0,1fr)]">
      <DrawingPad onPicture={onPicture} handle={pad} />
      <div className="min-w-0 space-y-4">
        <div className="flex items-start gap-4">
          <InputPreview pixels={input?.pixels ?? null} label="The 28×28 input the model sees" />
          <div className="text-sm">
            <p className="font-medium">What the model sees</p>
            <p className="text-xs text-slate-500">{input?.caption ?? "Nothing yet"}: 28×28, light on black.</p>
            <p className="mt-2 text-xs text-slate-500" data-testid="inference-info">
              {model.status === "loading" && "Loading the model…"}
              {model.status === "ready" &&
                `Runs in your browser on ${model.backend.name}${prediction ? ` · ${prediction.ms.toFixed(1)} ms per prediction` : ""}`}
            </p>
          </div>
        </div>
        {model.status === "error" && (
          <p role="alert" className="text-sm text-rose-700">
            The model could not be loaded: {model.message}
          </p>
        )}
        {(!input || input.empty) && model.status !== "error" && (
          <p className="text-sm text-slate-600" data-testid="draw-something">
            Draw something (or give it a photo) to see what the model thinks it is.
          </p>
        )}
        <ProbabilityChart
          probabilities={input && !input.empty ? (prediction?.probabilities ?? null) : null}
          classNames={loaded?.classNames ?? CLASS_NAMES}
          dimmed={!input || input.empty}
        />
        {model.status === "ready" && model.backend.skipped.length > 0 && (
          <details className="text-xs text-slate-500">
            <summary className="cursor-pointer">Why {model.backend.name}?</summary>
            <ul className="mt-1 list-disc pl-5">
              {model.backend.skipped.map((s) => (
                <li key={s.name}>
                  {s.name}: {s.reason}
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
    </div>
  );

  if (compact) {
    return (
      <div className="space-y-3">
        {tryIt}
        <Link
          href={`/submissions/${submissionId}/model`}
          className="inline-block text-sm font-medium text-brand-600 hover:text-brand-700"
        >
          Open the model page: test images and what it learned →
        </Link>
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <Card headingId="try-heading" heading="Try it" headingClassName="mb-3">
        {tryIt}
      </Card>
      {canSampleTestImages && (
        <Card headingId="test-images-heading" heading="Try test images" headingClassName="mb-3">
          {loaded ? (
            <TestImages submissionId={submissionId} loaded={loaded} onTry={onTry} />
          ) : (
            <p className="text-sm text-slate-500">Waiting for the model…</p>
          )}
        </Card>
      )}
      <Card headingId="learned-heading" heading="See what it learned" headingClassName="mb-3">
        {loaded ? (
          <WhatItLearned loaded={loaded} input={input && !input.empty ? input.pixels : null} />
        ) : (
          <p className="text-sm text-slate-500">Waiting for the model…</p>
        )}
      </Card>
    </div>
  );
}
