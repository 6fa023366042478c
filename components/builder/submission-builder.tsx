"use client";
import { useActionState, useDeferredValue, useMemo, useRef, useState } from "react";
import type { FormState } from "@/lib/server/action-state";
import {
  type ArchError,
  parseArchitecture,
  parseTrainingConfig,
  presets,
  summarize,
  type TrainingConfig,
} from "@/trainer/arch";
import { ModelSummaryTable } from "../model-summary";
import { SubmitButton } from "../submit-button";
import { Button, Card, cx, FormError } from "../ui";
import {
  type BuilderLayer,
  FIELDS,
  fieldMatches,
  fromNormalized,
  INPUT_SHAPES,
  LAYER_TYPES,
  type LayerType,
  newLayer,
  toBuilderModel,
} from "./model";
import { fromTrainingConfig, TrainingForm, type TrainingValues, toTrainingInput } from "./training-form";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

export interface BuilderInitial {
  name?: string;
  /** Any format parseArchitecture reads; opened in the builder when it can be, else as JSON. */
  architecture?: unknown;
  training: TrainingConfig;
}

export interface Throughput {
  /** Effective training throughput in forward-FLOPs per second (see lib/server/services/estimate.ts). */
  flopsPerSec: number;
  basis: string;
}

const TRAIN_IMAGES = 60_000;

function describe(error: ArchError): string {
  return error.message;
}

function initialState(initial: BuilderInitial) {
  const fallback = presets.find((p) => p.id === "report-cnn")!;
  const parsed = parseArchitecture(initial.architecture ?? fallback.architecture);
  const asBuilder = parsed.ok ? fromNormalized(parsed.model) : null;
  return {
    mode: (asBuilder ? "builder" : "json") as "builder" | "json",
    layers: asBuilder?.layers ?? [],
    inputShape: asBuilder?.inputShape ?? [28, 28, 1],
    json: JSON.stringify(initial.architecture ?? fallback.architecture, null, 2),
  };
}

export function SubmissionBuilder({
  action,
  classSlug,
  initial,
  maxEpochsLimit,
  throughput,
  canSubmit,
}: {
  action: Action;
  classSlug: string;
  initial: BuilderInitial;
  maxEpochsLimit: number;
  throughput: Throughput;
  canSubmit: boolean;
}) {
  const [state, formAction] = useActionState(action, {});
  const start = useMemo(() => initialState(initial), [initial]);
  const [mode, setMode] = useState(start.mode);
  const [layers, setLayers] = useState<BuilderLayer[]>(start.layers);
  const [inputShape, setInputShape] = useState<number[]>(start.inputShape);
  const [json, setJson] = useState(start.json);
  const [name, setName] = useState(initial.name ?? "");
  const [training, setTraining] = useState<TrainingValues>(fromTrainingConfig(initial.training));
  const [addType, setAddType] = useState<LayerType>("Dense");
  const [announcement, setAnnouncement] = useState("");
  const [jsonNote, setJsonNote] = useState<string | null>(null);
  const listRef = useRef<HTMLOListElement>(null);

  const deferredJson = useDeferredValue(json);
  const builderModel = useMemo(() => toBuilderModel(layers, inputShape), [layers, inputShape]);
  const parsed = useMemo(
    () => (mode === "builder" ? parseArchitecture(builderModel) : parseArchitecture(deferredJson)),
    [mode, builderModel, deferredJson],
  );
  const summary = parsed.ok ? summarize(parsed.model) : null;
  const trainingInput = useMemo(() => toTrainingInput(training), [training]);
  const trainingResult = parseTrainingConfig(trainingInput);
  const trainingErrors: Record<string, string> = {};
  if (!trainingResult.ok) for (const e of trainingResult.errors) trainingErrors[e.field] ??= e.message;
  if (trainingResult.ok && trainingResult.config.maxEpochs > maxEpochsLimit) {
    trainingErrors.maxEpochs = `at most ${maxEpochsLimit} epochs are allowed on this platform`;
  }
  const trainingOk = Object.keys(trainingErrors).length === 0;

  let secondsPerEpoch: number | null = null;
  if (summary && trainingResult.ok) {
    const trainN = TRAIN_IMAGES * (1 - trainingResult.config.validationSplit);
    // Training a sample costs ~3× its forward pass (forward + backward); validation is forward only.
    secondsPerEpoch = (summary.flopsPerSample * (3 * trainN + (TRAIN_IMAGES - trainN))) / throughput.flopsPerSec;
  }

  const errors = parsed.ok ? [] : parsed.errors;
  const errorsAt = (index: number) => errors.filter((e) => e.layerIndex === index);
  const modelErrors =
    mode === "builder" ? errors.filter((e) => e.layerIndex === null || e.layerIndex >= layers.length) : errors;

  const architectureText = mode === "builder" ? JSON.stringify(parsed.ok ? parsed.model.keras : builderModel) : json;

  const focusLater = (id: string) => requestAnimationFrame(() => document.getElementById(id)?.focus());

  const update = (id: string, key: string, value: string) =>
    setLayers((ls) => ls.map((l) => (l.id === id ? { ...l, values: { ...l.values, [key]: value } } : l)));
  const move = (index: number, delta: -1 | 1) => {
    const to = index + delta;
    if (to < 0 || to >= layers.length) return;
    const next = [...layers];
    const [item] = next.splice(index, 1);
    next.splice(to, 0, item!);
    setLayers(next);
    setAnnouncement(`${item!.type} moved to position ${to + 1} of ${next.length}.`);
    // Keep the focus on the button that was pressed, now at the layer's new place (or its sibling at the ends).
    const edge = (delta === -1 && to === 0) || (delta === 1 && to === next.length - 1);
    focusLater(`${item!.id}-${edge ? (delta === -1 ? "down" : "up") : delta === -1 ? "up" : "down"}`);
  };
  const remove = (index: number) => {
    const item = layers[index]!;
    const next = layers.filter((_, i) => i !== index);
    setLayers(next);
    setAnnouncement(`${item.type} layer removed.`);
    const neighbour = next[Math.min(index, next.length - 1)];
    focusLater(neighbour ? `${neighbour.id}-remove` : "add-layer-type");
  };
  const add = () => {
    const layer = newLayer(addType);
    setLayers((ls) => [...ls, layer]);
    setAnnouncement(`${addType} layer added at position ${layers.length + 1}.`);
    focusLater(`${layer.id}-heading`);
  };
  const loadPreset = (id: string) => {
    const preset = presets.find((p) => p.id === id)!;
    const p = parseArchitecture(preset.architecture);
    const b = p.ok ? fromNormalized(p.model) : null;
    if (b) {
      setLayers(b.layers);
      setInputShape(b.inputShape);
      setMode("builder");
    } else {
      setMode("json");
    }
    setJson(JSON.stringify(preset.architecture, null, 2));
    setTraining(fromTrainingConfig(preset.training));
    if (!name) setName(preset.name);
    setAnnouncement(`Loaded preset ${preset.name}.`);
  };
  const openJsonInBuilder = () => {
    const p = parseArchitecture(json);
    if (!p.ok) {
      setJsonNote("Fix the errors first: only a valid model can be opened in the builder.");
      return;
    }
    const b = fromNormalized(p.model);
    if (!b) {
      setJsonNote("This model uses layers the builder has no form for; keep editing it as JSON.");
      return;
    }
    setLayers(b.layers);
    setInputShape(b.inputShape);
    setMode("builder");
    setJsonNote(null);
  };
  const switchToJson = () => {
    setJson(JSON.stringify(parsed.ok ? parsed.model.keras : builderModel, null, 2));
    setMode("json");
  };

  const tabClass = (active: boolean) =>
    cx(
      "rounded-t-md px-3 py-1.5 text-sm font-medium",
      active ? "bg-white text-slate-900 ring-1 ring-slate-200 ring-b-0" : "text-slate-600 hover:text-slate-900",
    );

  return (
    <form action={formAction} noValidate className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,28rem)]">
      <input type="hidden" name="classSlug" value={classSlug} />
      <input type="hidden" name="architecture" value={architectureText} />
      <input type="hidden" name="training" value={JSON.stringify(trainingInput)} />
      <p aria-live="polite" className="sr-only">
        {announcement}
      </p>

      <div className="space-y-6">
        <FormError message={state.error} />
        <Card>
          <label htmlFor="field-name" className="block text-sm font-medium text-slate-700">
            Submission name
          </label>
          <input
            id="field-name"
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Two conv layers, dropout 0.3"
            aria-invalid={state.fieldErrors?.name ? true : undefined}
            aria-describedby={state.fieldErrors?.name ? "field-name-error" : undefined}
            className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-brand-600 sm:text-sm"
          />
          {state.fieldErrors?.name && (
            <p id="field-name-error" className="mt-1 text-sm text-rose-600">
              {state.fieldErrors.name}
            </p>
          )}
        </Card>

        <Card aria-labelledby="presets-heading">
          <h2 id="presets-heading" className="mb-2 font-semibold">
            Presets
          </h2>
          <ul className="grid gap-2 sm:grid-cols-2">
            {presets.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  onClick={() => loadPreset(p.id)}
                  className="h-full w-full rounded-lg p-3 text-left ring-1 ring-slate-200 hover:bg-slate-50"
                  aria-describedby={`preset-${p.id}-desc`}
                >
                  <span className="block text-sm font-medium">{p.name}</span>
                  <span id={`preset-${p.id}-desc`} className="mt-0.5 block text-xs text-slate-500">
                    {p.reference.params.toLocaleString("en-US")} params · report/target{" "}
                    {(p.reference.testAccuracy * 100).toFixed(2)} %
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </Card>

        <div>
          <div role="tablist" aria-label="How to define the model" className="flex gap-1 border-b border-slate-200">
            <button
              type="button"
              role="tab"
              id="tab-builder"
              aria-selected={mode === "builder"}
              aria-controls="panel-model"
              className={tabClass(mode === "builder")}
              onClick={() => (mode === "json" ? openJsonInBuilder() : undefined)}
            >
              Layer builder
            </button>
            <button
              type="button"
              role="tab"
              id="tab-json"
              aria-selected={mode === "json"}
              aria-controls="panel-model"
              className={tabClass(mode === "json")}
              onClick={() => (mode === "builder" ? switchToJson() : undefined)}
            >
              Paste Keras JSON
            </button>
          </div>
          <div
            id="panel-model"
            role="tabpanel"
            aria-labelledby={mode === "builder" ? "tab-builder" : "tab-json"}
            className="rounded-b-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5"
          >
            {mode === "json" ? (
              <div>
                <label htmlFor="field-architecture" className="block text-sm font-medium text-slate-700">
                  Architecture (Keras model JSON)
                </label>
                <p id="field-architecture-hint" className="mt-0.5 text-xs text-slate-500">
                  Paste the output of <code>model.to_json()</code> from Keras 2, tf.keras or Keras 3. Input 28×28×1,
                  28×28 or 784; output 10 classes.
                </p>
                <textarea
                  id="field-architecture"
                  rows={18}
                  spellCheck={false}
                  value={json}
                  onChange={(e) => setJson(e.target.value)}
                  aria-invalid={!parsed.ok ? true : undefined}
                  aria-describedby="field-architecture-hint model-errors"
                  className="mt-1 block w-full rounded-md border-0 px-3 py-2 font-mono text-xs text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-brand-600"
                />
                <div className="mt-2 flex items-center gap-3">
                  <Button type="button" variant="secondary" onClick={openJsonInBuilder}>
                    Open in the builder
                  </Button>
                  {jsonNote && <p className="text-sm text-amber-700">{jsonNote}</p>}
                </div>
              </div>
            ) : (
              <div className="space-y-3">
                <div className="flex flex-wrap items-end gap-3">
                  <div>
                    <label htmlFor="input-shape" className="block text-xs font-medium text-slate-700">
                      Input shape
                    </label>
                    <select
                      id="input-shape"
                      value={JSON.stringify(inputShape)}
                      onChange={(e) => setInputShape(JSON.parse(e.target.value) as number[])}
                      className="mt-1 rounded-md border-0 px-2.5 py-1.5 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
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
                <ol ref={listRef} className="space-y-2" aria-label="Layers">
                  {layers.map((layer, index) => {
                    const layerErrors = errorsAt(index);
                    const row = summary?.rows[index];
                    return (
                      <li
                        key={layer.id}
                        data-testid="builder-layer"
                        className={cx(
                          "rounded-lg p-3 ring-1",
                          layerErrors.length ? "bg-rose-50/50 ring-rose-300" : "ring-slate-200",
                        )}
                      >
                        <div className="flex flex-wrap items-center justify-between gap-2">
                          <h3 id={`${layer.id}-heading`} tabIndex={-1} className="text-sm font-semibold">
                            <span className="text-slate-400">{index + 1}.</span> {layer.type}
                            {row && (
                              <span className="ml-2 font-mono text-xs font-normal text-slate-500">
                                → ({row.outputShape.map((d) => d ?? "None").join(", ")}) ·{" "}
                                {row.params.toLocaleString("en-US")} params
                              </span>
                            )}
                          </h3>
                          <div className="flex gap-1">
                            <IconButton
                              id={`${layer.id}-up`}
                              label={`Move layer ${index + 1} (${layer.type}) up`}
                              disabled={index === 0}
                              onClick={() => move(index, -1)}
                            >
                              ↑
                            </IconButton>
                            <IconButton
                              id={`${layer.id}-down`}
                              label={`Move layer ${index + 1} (${layer.type}) down`}
                              disabled={index === layers.length - 1}
                              onClick={() => move(index, 1)}
                            >
                              ↓
                            </IconButton>
                            <IconButton
                              id={`${layer.id}-remove`}
                              label={`Remove layer ${index + 1} (${layer.type})`}
                              onClick={() => remove(index)}
                            >
                              ✕
                            </IconButton>
                          </div>
                        </div>
                        {FIELDS[layer.type].length > 0 && (
                          <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-3">
                            {FIELDS[layer.type].map((spec) => {
                              const id = `${layer.id}-${spec.key}`;
                              const fieldError = layerErrors.find((e) => fieldMatches(spec, e.field));
                              const common = {
                                id,
                                value: layer.values[spec.key] ?? "",
                                "aria-invalid": fieldError ? true : undefined,
                                "aria-describedby": fieldError ? `${id}-error` : undefined,
                                className: cx(
                                  "mt-0.5 block w-full rounded-md border-0 px-2 py-1 text-sm shadow-sm ring-1 ring-inset focus:ring-2 focus:ring-inset",
                                  fieldError
                                    ? "ring-rose-400 focus:ring-rose-500"
                                    : "ring-slate-300 focus:ring-brand-600",
                                ),
                              };
                              return (
                                <div key={spec.key}>
                                  <label htmlFor={id} className="block text-xs font-medium text-slate-600">
                                    {spec.label}
                                    <span className="sr-only">
                                      {" "}
                                      of layer {index + 1} ({layer.type})
                                    </span>
                                  </label>
                                  {spec.kind === "select" ? (
                                    <select {...common} onChange={(e) => update(layer.id, spec.key, e.target.value)}>
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
                                      onChange={(e) => update(layer.id, spec.key, e.target.value)}
                                    />
                                  )}
                                  {fieldError && (
                                    <p id={`${id}-error`} className="mt-0.5 text-xs text-rose-700">
                                      {describe(fieldError)}
                                    </p>
                                  )}
                                </div>
                              );
                            })}
                          </div>
                        )}
                        {layerErrors
                          .filter((e) => !FIELDS[layer.type].some((spec) => fieldMatches(spec, e.field)))
                          .map((e, i) => (
                            <p key={i} className="mt-2 text-xs text-rose-700" data-testid="layer-error">
                              {describe(e)}
                            </p>
                          ))}
                      </li>
                    );
                  })}
                </ol>
                <div className="flex flex-wrap items-end gap-2 border-t border-slate-100 pt-3">
                  <div>
                    <label htmlFor="add-layer-type" className="block text-xs font-medium text-slate-700">
                      New layer
                    </label>
                    <select
                      id="add-layer-type"
                      value={addType}
                      onChange={(e) => setAddType(e.target.value as LayerType)}
                      className="mt-1 rounded-md border-0 px-2.5 py-1.5 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
                    >
                      {LAYER_TYPES.map((t) => (
                        <option key={t} value={t}>
                          {t}
                        </option>
                      ))}
                    </select>
                  </div>
                  <Button type="button" variant="secondary" onClick={add}>
                    Add layer
                  </Button>
                </div>
              </div>
            )}
          </div>
        </div>

        <Card aria-labelledby="training-heading">
          <h2 id="training-heading" className="mb-3 font-semibold">
            Training settings
          </h2>
          <TrainingForm
            values={training}
            onChange={setTraining}
            errors={trainingErrors}
            maxEpochsLimit={maxEpochsLimit}
          />
          {state.fieldErrors?.training && <p className="mt-2 text-sm text-rose-600">{state.fieldErrors.training}</p>}
        </Card>
      </div>

      <div className="space-y-4 lg:sticky lg:top-4 lg:self-start">
        <Card aria-labelledby="summary-heading">
          <h2 id="summary-heading" className="mb-3 font-semibold">
            Summary
          </h2>
          <div id="model-errors" aria-live="polite">
            {modelErrors.length > 0 && (
              <ul
                className="mb-3 space-y-1 rounded-md bg-rose-50 p-3 text-sm text-rose-800 ring-1 ring-rose-200"
                data-testid="model-errors"
              >
                {modelErrors.map((e, i) => (
                  <li key={i}>
                    {e.layerIndex !== null && (
                      <strong>
                        Layer {e.layerIndex + 1}
                        {e.layerName ? ` '${e.layerName}'` : ""}
                        {e.field ? `, ${e.field}` : ""}:{" "}
                      </strong>
                    )}
                    {describe(e)}
                  </li>
                ))}
              </ul>
            )}
            {mode === "builder" && !parsed.ok && modelErrors.length === 0 && (
              <p className="mb-3 text-sm text-rose-700">Fix the highlighted layer to see the summary.</p>
            )}
            {parsed.ok && parsed.notes.length > 0 && (
              <ul className="mb-3 space-y-1 text-xs text-slate-600">
                {parsed.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            )}
          </div>
          {summary && (
            <ModelSummaryTable summary={summary} secondsPerEpoch={secondsPerEpoch} estimateBasis={throughput.basis} />
          )}
          {state.fieldErrors?.architecture && (
            <p className="mt-2 text-sm text-rose-600">{state.fieldErrors.architecture}</p>
          )}
        </Card>
        <div className="flex flex-col gap-2">
          <SubmitButton pendingText="Submitting…" disabled={!parsed.ok || !trainingOk || !canSubmit}>
            Submit for training
          </SubmitButton>
          {(!parsed.ok || !trainingOk) && <p className="text-xs text-slate-500">Fix the errors above to submit.</p>}
        </div>
      </div>
    </form>
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
