"use client";
import type { ArchError, Summary } from "@/trainer/arch";
import { Button } from "../ui";
import type { BuilderState } from "./builder-state";
import { LayerRow } from "./layer-row";
import { INPUT_SHAPES, LAYER_LABELS, LAYER_TYPES, type LayerType, rowFor } from "./model";
import type { Builder } from "./use-builder";

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
        <LabeledSelect
          id="input-shape"
          label="Input shape"
          // A shape is an array: the option values are its JSON.
          value={JSON.stringify(state.inputShape)}
          options={INPUT_SHAPES.map((s) => ({ value: JSON.stringify(s.value), label: s.label }))}
          onChange={(value) => actions.setInputShape(JSON.parse(value) as number[])}
        />
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
            row={rowFor(summary, index)}
            onMove={actions.moveLayer}
            onRemove={actions.removeLayer}
            onEdit={actions.editLayer}
          />
        ))}
      </ol>
      <div className="flex flex-wrap items-end gap-2 border-t border-slate-100 pt-3">
        <LabeledSelect
          id="add-layer-type"
          label="New layer"
          value={state.addType}
          options={LAYER_TYPES.map((t) => ({ value: t, label: LAYER_LABELS[t] ?? t }))}
          onChange={(value) => actions.setAddType(value as LayerType)}
        />
        <Button type="button" variant="secondary" onClick={actions.addLayer}>
          Add layer
        </Button>
      </div>
    </div>
  );
}

function LabeledSelect({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="mt-1 rounded-md border-0 px-2.5 py-1.5 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
