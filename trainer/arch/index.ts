// Browser-safe: no node:* and no tfjs imports here (the web UI's layer builder uses this module).

export type { ArchError } from "./errors";
export type { KerasLayerJson, KerasModelJson } from "./keras";
export { camelToSnake, k as keras, layer, sequential, snakeKeys } from "./keras";
export { ACTIVATIONS, SUPPORTED_LAYERS } from "./layers";
export type { ParseOptions } from "./limits";
export { DEFAULT_LIMITS } from "./limits";
export type { BuilderModel, NormalizedLayer, NormalizedModel, ParseResult } from "./model";
export { parseArchitecture } from "./parse";
export type { Preset } from "./presets";
export { getPreset, presets } from "./presets";
export type { Summary, SummaryRow } from "./summary";
export { formatFlops, formatSummary, summarize } from "./summary";
export type { TrainingConfig, TrainingConfigInput } from "./training";
export {
  DEFAULT_TRAINING,
  earlyStoppingSchema,
  OPTIMIZERS,
  parseTrainingConfig,
  trainingConfigSchema,
} from "./training";
