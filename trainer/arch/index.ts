// Browser-safe: no node:* and no tfjs imports here (the web UI's layer builder uses this module).
export { parseArchitecture, DEFAULT_LIMITS } from './parse.js';
export type { ArchError, NormalizedLayer, NormalizedModel, ParseOptions, ParseResult, BuilderModel } from './parse.js';
export { summarize, formatSummary, formatFlops } from './summary.js';
export type { Summary, SummaryRow } from './summary.js';
export { trainingConfigSchema, earlyStoppingSchema, parseTrainingConfig, DEFAULT_TRAINING, OPTIMIZERS } from './training.js';
export type { TrainingConfig, TrainingConfigInput } from './training.js';
export { presets, getPreset } from './presets.js';
export type { Preset } from './presets.js';
export { sequential, layer, k as keras, snakeKeys, camelToSnake } from './keras.js';
export type { KerasLayerJson, KerasModelJson } from './keras.js';
export { SUPPORTED_LAYERS, ACTIVATIONS } from './layers.js';
