"use client";
import { useDeferredValue, useMemo, useReducer } from "react";
import {
  type ArchError,
  parseArchitecture,
  parseTrainingConfig,
  presets,
  type Summary,
  summarize,
} from "@/trainer/arch";
import { type BuilderInitial, builderReducer, initialBuilderState } from "./builder-state";
import { fromNormalized, type LayerType, newLayer, toBuilderModel } from "./model";
import { type TrainingValues, toTrainingInput } from "./training-form";

export interface Throughput {
  /** Effective training throughput in forward-FLOPs per second (see lib/server/services/estimate.ts). */
  flopsPerSec: number;
  basis: string;
}

const TRAIN_IMAGES = 60_000;

// Focus moves after React has rendered the change (the element may be new, or have moved).
const focusLater = (id: string) => requestAnimationFrame(() => document.getElementById(id)?.focus());

function secondsPerEpoch(summary: Summary, validationSplit: number, throughput: Throughput): number {
  const trainN = TRAIN_IMAGES * (1 - validationSplit);
  // Training a sample costs ~3× its forward pass (forward + backward); validation is forward only.
  return (summary.flopsPerSample * (3 * trainN + (TRAIN_IMAGES - trainN))) / throughput.flopsPerSec;
}

/**
 * The submission form's state (a reducer) and what follows from it: the trainer's verdict on the
 * architecture and the training settings, the summary, the estimate, and the hidden fields the
 * form posts. Each panel reads the part it shows and changes it through `actions`.
 */
export function useBuilder(
  initial: BuilderInitial,
  { maxEpochsLimit, throughput }: { maxEpochsLimit: number; throughput: Throughput },
) {
  const [state, dispatch] = useReducer(builderReducer, initial, initialBuilderState);
  const { mode, layers, inputShape } = state;

  // Validating a large pasted model takes a while: typing stays responsive, the check follows.
  const deferredJson = useDeferredValue(state.json);
  const builderModel = useMemo(() => toBuilderModel(layers, inputShape), [layers, inputShape]);
  const parsed = useMemo(
    () => (mode === "builder" ? parseArchitecture(builderModel) : parseArchitecture(deferredJson)),
    [mode, builderModel, deferredJson],
  );
  const summary = parsed.ok ? summarize(parsed.model) : null;

  const trainingInput = useMemo(() => toTrainingInput(state.training), [state.training]);
  const trainingResult = parseTrainingConfig(trainingInput);
  const trainingErrors: Record<string, string> = {};
  if (!trainingResult.ok) for (const e of trainingResult.errors) trainingErrors[e.field] ??= e.message;
  if (trainingResult.ok && trainingResult.config.maxEpochs > maxEpochsLimit) {
    trainingErrors.maxEpochs = `at most ${maxEpochsLimit} epochs are allowed on this platform`;
  }
  const trainingOk = Object.keys(trainingErrors).length === 0;

  const errors: ArchError[] = parsed.ok ? [] : parsed.errors;
  // In the builder, errors of a layer are shown on its row; the summary lists only the rest.
  const modelErrors =
    mode === "builder" ? errors.filter((e) => e.layerIndex === null || e.layerIndex >= layers.length) : errors;

  const builderJson = () => (parsed.ok ? parsed.model.keras : builderModel);

  const actions = {
    setName: (name: string) => dispatch({ type: "setName", name }),
    setTraining: (training: TrainingValues) => dispatch({ type: "setTraining", training }),
    setAddType: (layerType: LayerType) => dispatch({ type: "setAddType", layerType }),
    setInputShape: (shape: number[]) => dispatch({ type: "setInputShape", inputShape: shape }),
    editJson: (json: string) => dispatch({ type: "editJson", json }),
    editLayer: (id: string, key: string, value: string) => dispatch({ type: "editLayer", id, key, value }),
    addLayer: () => {
      const layer = newLayer(state.addType);
      dispatch({ type: "addLayer", layer });
      focusLater(`${layer.id}-heading`);
    },
    removeLayer: (index: number) => {
      // Focus goes to the next layer's remove button (the previous one at the end), else to "New layer".
      const neighbour = layers[index + 1] ?? layers[index - 1];
      dispatch({ type: "removeLayer", index });
      focusLater(neighbour ? `${neighbour.id}-remove` : "add-layer-type");
    },
    moveLayer: (index: number, delta: -1 | 1) => {
      const to = index + delta;
      const item = layers[index];
      if (!item || to < 0 || to >= layers.length) return;
      dispatch({ type: "moveLayer", index, delta });
      // Keep the focus on the button that was pressed, now at the layer's new place; at either end,
      // where that button is disabled, on its sibling.
      const atEnd = delta === -1 ? to === 0 : to === layers.length - 1;
      const pressed = delta === -1 ? "up" : "down";
      focusLater(`${item.id}-${atEnd ? (pressed === "up" ? "down" : "up") : pressed}`);
    },
    loadPreset: (id: string) => {
      const preset = presets.find((p) => p.id === id)!;
      const p = parseArchitecture(preset.architecture);
      dispatch({ type: "loadPreset", preset, model: p.ok ? fromNormalized(p.model) : null });
    },
    openInBuilder: () => {
      const p = parseArchitecture(state.json);
      if (!p.ok) {
        dispatch({
          type: "refuseOpen",
          note: "Fix the errors first: only a valid model can be opened in the builder.",
        });
        return;
      }
      const model = fromNormalized(p.model);
      if (!model) {
        dispatch({
          type: "refuseOpen",
          note: p.model.graph
            ? "This is a graph model (branches and merges): the builder edits a list of layers, so keep editing it as JSON."
            : "This model uses layers the builder has no form for; keep editing it as JSON.",
        });
        return;
      }
      dispatch({ type: "openInBuilder", model });
    },
    showJson: () => dispatch({ type: "showJson", json: JSON.stringify(builderJson(), null, 2) }),
  };

  return {
    state,
    actions,
    parsed,
    summary,
    /** Every error the trainer found in the architecture. */
    errors,
    /** The ones no layer row shows (the summary lists them). */
    modelErrors,
    trainingErrors,
    /** Both the architecture and the training settings pass the trainer's checks. */
    valid: parsed.ok && trainingOk,
    secondsPerEpoch:
      summary && trainingResult.ok ? secondsPerEpoch(summary, trainingResult.config.validationSplit, throughput) : null,
    /** What the form posts: the builder's model as Keras JSON, or the pasted text as typed. */
    architectureText: mode === "builder" ? JSON.stringify(builderJson()) : state.json,
    trainingText: JSON.stringify(trainingInput),
  };
}

export type Builder = ReturnType<typeof useBuilder>;
