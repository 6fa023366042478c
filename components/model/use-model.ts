"use client";
import { useEffect, useRef, useState } from "react";
import type { BackendChoice } from "./backend";
import { type LoadedModel, loadModel } from "./inference";
import { loadTfjs } from "./tfjs";

export type ModelState =
  | { status: "loading" }
  | { status: "ready"; loaded: LoadedModel; backend: BackendChoice }
  | { status: "error"; message: string };

/** The stored model of a submission, loaded once into the browser (tfjs, backend, weights). */
export function useModel(filesUrl: string, fallbackClassNames: readonly string[]): ModelState {
  const [state, setState] = useState<ModelState>({ status: "loading" });
  useEffect(() => {
    let live = true;
    let loadedModel: LoadedModel | null = null;
    setState({ status: "loading" });
    loadTfjs()
      .then(async ({ tf, backend }) => {
        const loaded = await loadModel(tf, filesUrl, fallbackClassNames);
        loadedModel = loaded;
        if (live) setState({ status: "ready", loaded, backend });
        else loaded.model.dispose();
      })
      .catch((error: unknown) => {
        if (live) setState({ status: "error", message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      live = false;
      loadedModel?.model.dispose();
    };
  }, [filesUrl, fallbackClassNames]);
  return state;
}

/**
 * Runs `work` on the newest value only, one run at a time: while the model is busy with one
 * stroke, later strokes replace each other and only the last is run next. Returns `submit`.
 */
export function useLatest<T>(work: (value: T) => Promise<void>): (value: T) => void {
  const pending = useRef<{ value: T } | null>(null);
  const running = useRef(false);
  const workRef = useRef(work);
  workRef.current = work;
  const submit = useRef((value: T) => {
    pending.current = { value };
    if (running.current) return;
    running.current = true;
    void (async () => {
      while (pending.current) {
        const next = pending.current.value;
        pending.current = null;
        try {
          await workRef.current(next);
        } catch (error) {
          console.error("[model] inference failed:", error);
        }
      }
      running.current = false;
    })();
  });
  return submit.current;
}
