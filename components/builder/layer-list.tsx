"use client";
import type { ArchError, Summary } from "@/trainer/arch";
import { Button } from "../ui";
import type { BuilderState } from "./builder-state";
import { LayerRow } from "./layer-row";
import { INPUT_SHAPES, LAYER_TYPES, type LayerType } from "./model";
import type { Builder } from "./use-builder";

const selectClass =
  "mt-1 rounded-md border-0 px-2.5 py-1.5 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600";

/** The layer builder's tab: the input shape, the layers in order, and the row that adds one. */
export function LayerList({
  state,
  actions,
  errors,
  summary,
}: {
  state: Pick<BuilderState, "layers" | "inputShape" | "addType">;
  actions: Builder["actions"];
  /** The trainer's errors on the whole model; each row shows those of its own layer. */
  errors: ArchError[];
  summary: Summary | null;
}) {
  const { layers } = state;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="input-shape" className="block text-xs font-medium text-slate-700">
            Input shape
          </label>
          <select
            id="input-shape"
            value={JSON.stringify(state.inputShape)}
            onChange={(e) => actions.setInputShape(JSON.parse(e.target.value) as number[])}
            className={selectClass}
          >
            {INPUT_SHAPES.map((s) => (
              <option key={s.label} value={JSON.stringify(s.value)}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {layers.length === 0 && <p className="text-sm text-slate-500">No layers yet: add one below.</p>}
      <ol className="space-y-2" aria-label="Layers">
        {layers.map((layer, index) => (
          <LayerRow
            key={layer.id}
            layer={layer}
            index={index}
            count={layers.length}
            errors={errors.filter((e) => e.layerIndex === index)}
            row={summary?.rows[index]}
            onMove={actions.moveLayer}
            onRemove={actions.removeLayer}
            onEdit={actions.editLayer}
          />
        ))}
      </ol>
      <div className="flex flex-wrap items-end gap-2 border-t border-slate-100 pt-3">
        <div>
          <label htmlFor="add-layer-type" className="block text-xs font-medium text-slate-700">
            New layer
          </label>
          <select
            id="add-layer-type"
            value={state.addType}
            onChange={(e) => actions.setAddType(e.target.value as LayerType)}
            className={selectClass}
          >
            {LAYER_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <Button type="button" variant="secondary" onClick={actions.addLayer}>
          Add layer
        </Button>
      </div>
    </div>
  );
}
