// The submission form's state in one place: everything the student has typed or chosen, changed
// only through the typed actions below. The reducer stays pure (React may call it twice): new
// layer ids are made by the caller and arrive inside the action.
import { type Preset, parseArchitecture, presets, type TrainingConfig } from "@/trainer/arch";
import { type BuilderLayer, fromNormalized, type LayerType } from "./model";
import { fromTrainingConfig, type TrainingValues } from "./training-form";

export interface BuilderInitial {
  name?: string;
  /** Any format parseArchitecture reads; opened in the builder when it can be, else as JSON. */
  architecture?: unknown;
  training: TrainingConfig;
}

export type BuilderMode = "builder" | "json";

/** Layers and input shape as the layer builder edits them. */
export interface BuilderLayers {
  layers: BuilderLayer[];
  inputShape: number[];
}

export interface BuilderState extends BuilderLayers {
  mode: BuilderMode;
  /** The JSON tab's text, as typed. */
  json: string;
  name: string;
  training: TrainingValues;
  /** The layer type "Add layer" adds. */
  addType: LayerType;
  /** Read out by a polite live region after a change that moves things around. */
  announcement: string;
  /** Why "Open in the builder" could not open the pasted JSON. */
  jsonNote: string | null;
}

export type BuilderAction =
  | { type: "setName"; name: string }
  | { type: "setTraining"; training: TrainingValues }
  | { type: "setAddType"; layerType: LayerType }
  | { type: "setInputShape"; inputShape: number[] }
  | { type: "addLayer"; layer: BuilderLayer }
  | { type: "removeLayer"; index: number }
  | { type: "moveLayer"; index: number; delta: -1 | 1 }
  | { type: "editLayer"; id: string; key: string; value: string }
  | { type: "loadPreset"; preset: Preset; model: BuilderLayers | null }
  | { type: "editJson"; json: string }
  | { type: "openInBuilder"; model: BuilderLayers }
  | { type: "refuseOpen"; note: string }
  | { type: "showJson"; json: string };

export function initialBuilderState(initial: BuilderInitial): BuilderState {
  const fallback = presets.find((p) => p.id === "report-cnn")!;
  const architecture = initial.architecture ?? fallback.architecture;
  const parsed = parseArchitecture(architecture);
  const asBuilder = parsed.ok ? fromNormalized(parsed.model) : null;
  return {
    mode: asBuilder ? "builder" : "json",
    layers: asBuilder?.layers ?? [],
    inputShape: asBuilder?.inputShape ?? [28, 28, 1],
    json: JSON.stringify(architecture, null, 2),
    name: initial.name ?? "",
    training: fromTrainingConfig(initial.training),
    addType: "Dense",
    announcement: "",
    jsonNote: null,
  };
}

export function builderReducer(state: BuilderState, action: BuilderAction): BuilderState {
  switch (action.type) {
    case "setName":
      return { ...state, name: action.name };
    case "setTraining":
      return { ...state, training: action.training };
    case "setAddType":
      return { ...state, addType: action.layerType };
    case "setInputShape":
      return { ...state, inputShape: action.inputShape };
    case "addLayer":
      return {
        ...state,
        layers: [...state.layers, action.layer],
        announcement: `${action.layer.type} layer added at position ${state.layers.length + 1}.`,
      };
    case "removeLayer": {
      const item = state.layers[action.index];
      if (!item) return state;
      return {
        ...state,
        layers: state.layers.filter((_, i) => i !== action.index),
        announcement: `${item.type} layer removed.`,
      };
    }
    case "moveLayer": {
      const to = action.index + action.delta;
      if (to < 0 || to >= state.layers.length) return state;
      const layers = [...state.layers];
      const [item] = layers.splice(action.index, 1);
      layers.splice(to, 0, item!);
      return { ...state, layers, announcement: `${item!.type} moved to position ${to + 1} of ${layers.length}.` };
    }
    case "editLayer":
      return {
        ...state,
        layers: state.layers.map((l) =>
          l.id === action.id ? { ...l, values: { ...l.values, [action.key]: action.value } } : l,
        ),
      };
    case "loadPreset": {
      const { preset, model } = action;
      return {
        ...state,
        // A preset the builder has no form for opens as JSON, keeping the builder's layers as they were.
        ...(model ? { ...model, mode: "builder" } : { mode: "json" }),
        json: JSON.stringify(preset.architecture, null, 2),
        training: fromTrainingConfig(preset.training),
        // A name the student typed is theirs: a preset only fills an empty one.
        name: state.name || preset.name,
        announcement: `Loaded preset ${preset.name}.`,
      };
    }
    case "editJson":
      return { ...state, json: action.json };
    case "openInBuilder":
      return { ...state, ...action.model, mode: "builder", jsonNote: null };
    case "refuseOpen":
      return { ...state, jsonNote: action.note };
    case "showJson":
      return { ...state, json: action.json, mode: "json" };
  }
}
