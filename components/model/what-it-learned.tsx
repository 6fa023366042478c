"use client";
import { useEffect, useMemo, useState } from "react";
import { pluralize } from "../ui";
import type { LoadedModel } from "./inference";
import { activations, firstLayerFilters, hasConvolutions, type LayerActivation, MAX_MAPS } from "./insight";
import { MapGrid, UnitStrip } from "./map-grid";
import { useLatest } from "./use-model";

const size = (w: number, h: number) => (h === 1 ? `length ${w}` : `${h}×${w}`);
const shown = (total: number, noun: string) =>
  total > MAX_MAPS ? `the first ${MAX_MAPS} of ${pluralize(total, noun)}` : pluralize(total, noun);

/**
 * The first convolution's filters, and what every layer with a spatial output (and every hidden
 * Dense layer) makes of the current input, redrawn as the input changes.
 */
export function WhatItLearned({ loaded, input }: { loaded: LoadedModel; input: Float32Array | null }) {
  const filters = useMemo(() => firstLayerFilters(loaded.model), [loaded]);
  const convolutional = useMemo(() => hasConvolutions(loaded.model), [loaded]);
  const [layers, setLayers] = useState<LayerActivation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useLatest(async (pixels: Float32Array | null) => {
    if (!pixels) {
      setLayers(null);
      return;
    }
    try {
      setLayers(await activations(loaded, pixels));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  });
  useEffect(() => run(input), [input, run]);

  return (
    <div className="space-y-6" data-testid="what-it-learned">
      <section aria-labelledby="filters-heading">
        <h3 id="filters-heading" className="text-sm font-semibold">
          Filters of the first convolution
        </h3>
        {filters ? (
          <>
            <p className="mt-1 mb-2 text-xs text-slate-500">
              {filters.layerName} ({filters.className}): {shown(filters.total, "filter")} of{" "}
              {size(filters.width, filters.height)} weights, each scaled from its smallest (black) to its largest
              (white) weight
              {filters.channels === "mean" ? ", averaged over its input channels" : ""}.
            </p>
            <MapGrid
              stack={filters}
              label={`Filters of ${filters.layerName}`}
              cell={filters.width <= 3 ? 24 : 40}
              columns={16}
              gap={6}
              palette="gray"
              testId="filters"
            />
          </>
        ) : (
          <p className="mt-1 text-sm text-slate-600" data-testid="no-convolutions">
            {convolutional
              ? "This model's convolutions have no readable kernel."
              : "This model has no convolutional layers: it has no filters to show, and reads the 784 pixels directly."}
          </p>
        )}
      </section>

      <section aria-labelledby="activations-heading" aria-live="off">
        <h3 id="activations-heading" className="text-sm font-semibold">
          What each layer makes of this input
        </h3>
        {!input && <p className="mt-1 text-sm text-slate-500">Draw something to see each layer&apos;s response.</p>}
        {error && (
          <p role="alert" className="mt-1 text-sm text-rose-700">
            {error}
          </p>
        )}
        {input && layers && layers.length === 0 && (
          <p className="mt-1 text-sm text-slate-500">This model has no layers with spatial output or hidden units.</p>
        )}
        {input && layers && (
          <ol className="mt-2 space-y-4">
            {layers.map((layer) => (
              <li key={layer.layerName} data-testid="activation-layer" data-kind={layer.kind}>
                <p className="mb-1 text-xs text-slate-600">
                  <span className="font-mono text-slate-800">{layer.layerName}</span> ({layer.className}
                  {layer.penultimate ? ", the last hidden layer" : ""}):{" "}
                  {layer.kind === "maps"
                    ? `${shown(layer.stack.total, "map")} of ${size(layer.stack.width, layer.stack.height)}, each scaled to its own range`
                    : `${pluralize(layer.stack.total, "unit")}, from ${layer.range![0].toFixed(2)} to ${layer.range![1].toFixed(2)}`}
                </p>
                {layer.kind === "maps" ? (
                  <MapGrid
                    stack={layer.stack}
                    label={`Activation maps of ${layer.layerName}`}
                    cell={layer.stack.height === 1 ? 112 : 56}
                    columns={layer.stack.width >= 14 ? 8 : 16}
                  />
                ) : (
                  <UnitStrip
                    values={layer.stack.maps[0]!}
                    range={layer.range!}
                    label={`Units of ${layer.layerName}`}
                    testId={layer.penultimate ? "penultimate-units" : undefined}
                  />
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
