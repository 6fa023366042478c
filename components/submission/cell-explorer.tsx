"use client";
import { useEffect, useState } from "react";
import type { CellImages } from "@/lib/server/services/gallery";
import { CLASS_NAMES } from "@/trainer/arch";
import { ConfusionMatrix } from "../charts/confusion-matrix";

type Cell = { trueLabel: number; predicted: number };
type Loaded = { cell: Cell; data: CellImages } | { cell: Cell; error: string };

/** The confusion matrix and, for the chosen cell, the test images that landed in it. */
export function CellExplorer({ submissionId, matrix }: { submissionId: string; matrix: number[][] }) {
  const [selected, setSelected] = useState<Cell | null>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    if (!selected) return;
    const controller = new AbortController();
    fetch(`/api/submissions/${submissionId}/cells?true=${selected.trueLabel}&predicted=${selected.predicted}`, {
      signal: controller.signal,
    })
      .then(async (r) => {
        const body = (await r.json()) as CellImages & { error?: { message: string } };
        setLoaded(
          r.ok ? { cell: selected, data: body } : { cell: selected, error: body.error?.message ?? `HTTP ${r.status}` },
        );
      })
      .catch((e: unknown) => {
        if ((e as Error).name !== "AbortError") setLoaded({ cell: selected, error: "Could not load the images." });
      });
    return () => controller.abort();
  }, [selected, submissionId]);

  const title = selected
    ? selected.trueLabel === selected.predicted
      ? `${CLASS_NAMES[selected.trueLabel]} predicted correctly`
      : `${CLASS_NAMES[selected.trueLabel]} predicted as ${CLASS_NAMES[selected.predicted]}`
    : null;
  const current =
    loaded && selected && loaded.cell.trueLabel === selected.trueLabel && loaded.cell.predicted === selected.predicted
      ? loaded
      : null;

  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,36rem)_minmax(0,1fr)] [&>*]:min-w-0">
      <ConfusionMatrix matrix={matrix} selected={selected} onSelect={setSelected} />
      <section aria-live="polite" aria-labelledby={title ? "gallery-heading" : undefined} data-testid="gallery">
        {!selected && (
          <p className="text-sm text-slate-500">Choose a cell of the matrix to see those test images here.</p>
        )}
        {selected && (
          <>
            <h3 id="gallery-heading" className="font-semibold">
              {title}
            </h3>
            {!current && <p className="mt-2 text-sm text-slate-500">Loading…</p>}
            {current && "error" in current && (
              <p role="alert" className="mt-2 text-sm text-rose-700">
                {current.error}
              </p>
            )}
            {current && "data" in current && (
              <>
                <p className="mt-1 text-xs text-slate-500">
                  {current.data.total === 0
                    ? "No images in this cell"
                    : `${current.data.total} image${current.data.total === 1 ? "" : "s"}${current.data.total > current.data.indices.length ? `, first ${current.data.indices.length} shown` : ""}`}
                  {current.data.scope === "public" &&
                    " · public half of the test set only (per-image results on the private half stay with the graders)"}
                </p>
                <ul className="mt-3 grid grid-cols-[repeat(auto-fill,minmax(3.5rem,1fr))] gap-2">
                  {current.data.indices.map((i) => (
                    <li key={i}>
                      {/* biome-ignore lint/performance/noImgElement: 28×28 PNGs from our own access-checked route; next/image's optimiser would fetch them again without the viewer's cookie */}
                      <img
                        src={`/api/submissions/${submissionId}/test-images/${i}`}
                        alt={`Test set #${i}: ${CLASS_NAMES[current.cell.trueLabel]} predicted as ${CLASS_NAMES[current.cell.predicted]}`}
                        width={56}
                        height={56}
                        loading="lazy"
                        className="h-14 w-14 rounded bg-black [image-rendering:pixelated]"
                      />
                      <span className="block text-center font-mono text-[10px] text-slate-500">#{i}</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </section>
    </div>
  );
}
