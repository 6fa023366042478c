"use client";
import type { ArchError, SummaryRow } from "@/trainer/arch";
import { cx, formatCount } from "../ui";
import {
  type BuilderLayer,
  describeArchError,
  errorKeys,
  FIELDS,
  type FieldSpec,
  fieldMatches,
  LAYER_LABELS,
} from "./model";

/**
 * One layer of the builder: its heading (with the shape and parameters the trainer computed),
 * move and remove buttons, one input per field, and the trainer's errors on the fields they name.
 * Every control's label names the layer, so a screen reader user knows which row it belongs to.
 */
export function LayerRow({
  layer,
  index,
  count,
  errors,
  row,
  onMove,
  onRemove,
  onEdit,
}: {
  layer: BuilderLayer;
  index: number;
  count: number;
  errors: ArchError[];
  /** The summary's row for this layer, when the whole model is valid. */
  row: SummaryRow | undefined;
  onMove: (index: number, delta: -1 | 1) => void;
  onRemove: (index: number) => void;
  onEdit: (id: string, key: string, value: string) => void;
}) {
  const fields = FIELDS[layer.type];
  const ofLayer = `layer ${index + 1} (${layer.type})`;
  const otherErrors = errors.filter((e) => !fields.some((spec) => fieldMatches(spec, e.field)));
  const otherKeys = errorKeys(otherErrors);
  return (
    <li
      data-testid="builder-layer"
      className={cx("rounded-lg p-3 ring-1", errors.length ? "bg-rose-50/50 ring-rose-300" : "ring-slate-200")}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id={`${layer.id}-heading`} tabIndex={-1} className="text-sm font-semibold">
          <span className="text-slate-400">{index + 1}.</span> {LAYER_LABELS[layer.type] ?? layer.type}
          {row && (
            <span className="ml-2 font-mono text-xs font-normal text-slate-500">
              → ({row.outputShape.map((d) => d ?? "None").join(", ")}) · {formatCount(row.params)} params
            </span>
          )}
        </h3>
        <div className="flex gap-1">
          <IconButton
            id={`${layer.id}-up`}
            label={`Move ${ofLayer} up`}
            disabled={index === 0}
            onClick={() => onMove(index, -1)}
          >
            ↑
          </IconButton>
          <IconButton
            id={`${layer.id}-down`}
            label={`Move ${ofLayer} down`}
            disabled={index === count - 1}
            onClick={() => onMove(index, 1)}
          >
            ↓
          </IconButton>
          <IconButton id={`${layer.id}-remove`} label={`Remove ${ofLayer}`} onClick={() => onRemove(index)}>
            ✕
          </IconButton>
        </div>
      </div>
      {fields.length > 0 && (
        <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-3">
          {fields.map((spec) => (
            <LayerField
              key={spec.key}
              spec={spec}
              id={`${layer.id}-${spec.key}`}
              ofLayer={ofLayer}
              value={layer.values[spec.key] ?? ""}
              error={errors.find((e) => fieldMatches(spec, e.field))}
              onChange={(value) => onEdit(layer.id, spec.key, value)}
            />
          ))}
        </div>
      )}
      {otherErrors.map((e, i) => (
        <p key={otherKeys[i]} className="mt-2 text-xs text-rose-700" data-testid="layer-error">
          {describeArchError(e)}
        </p>
      ))}
    </li>
  );
}

function LayerField({
  spec,
  id,
  ofLayer,
  value,
  error,
  onChange,
}: {
  spec: FieldSpec;
  id: string;
  ofLayer: string;
  value: string;
  error: ArchError | undefined;
  onChange: (value: string) => void;
}) {
  const common = {
    id,
    value,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : undefined,
    className: cx(
      "mt-0.5 block w-full rounded-md border-0 px-2 py-1 text-sm shadow-sm ring-1 ring-inset focus:ring-2 focus:ring-inset",
      error ? "ring-rose-400 focus:ring-rose-500" : "ring-slate-300 focus:ring-brand-600",
    ),
  };
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        {spec.label}
        <span className="sr-only"> of {ofLayer}</span>
      </label>
      {spec.kind === "select" ? (
        <select {...common} onChange={(e) => onChange(e.target.value)}>
          {spec.options!.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type="text"
          inputMode={spec.kind === "int" ? "numeric" : "decimal"}
          placeholder={spec.placeholder}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {error && (
        <p id={`${id}-error`} className="mt-0.5 text-xs text-rose-700">
          {describeArchError(error)}
        </p>
      )}
    </div>
  );
}

function IconButton({
  id,
  label,
  onClick,
  disabled,
  children,
}: {
  id: string;
  label: string;
  onClick: () => void;
  disabled?: boolean;
  children: string;
}) {
  return (
    <button
      type="button"
      id={id}
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={onClick}
      className="h-8 w-8 rounded-md text-sm text-slate-600 ring-1 ring-inset ring-slate-300 hover:bg-slate-100 disabled:opacity-40"
    >
      <span aria-hidden>{children}</span>
    </button>
  );
}
