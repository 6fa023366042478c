// Browser-safe: no node:* and no tfjs imports here (the web UI's layer builder uses this module).
export { parseArchitecture, DEFAULT_LIMITS } from './parse';
export type { ArchError, NormalizedLayer, NormalizedModel, ParseOptions, ParseResult, BuilderModel } from './parse';
export { summarize, formatSummary, formatFlops } from './summary';
export type { Summary, SummaryRow } from './summary';
export { trainingConfigSchema, earlyStoppingSchema, parseTrainingConfig, DEFAULT_TRAINING, OPTIMIZERS } from './training';
export type { TrainingConfig, TrainingConfigInput } from './training';
export { presets, getPreset } from './presets';
export type { Preset } from './presets';
export { sequential, layer, k as keras, snakeKeys, camelToSnake } from './keras';
export type { KerasLayerJson, KerasModelJson } from './keras';
export { SUPPORTED_LAYERS, ACTIVATIONS } from './layers';
