// Browser-safe: no node:* and no tfjs imports here (the web UI's layer builder uses this module).

export type { GpuAdapter } from "../export/adapter";
export { adapterLabel, gpuAdapterSchema } from "../export/adapter";
export type { ExportFormat } from "../export/errors";
export { EXPORT_FORMATS, FORMAT_NAMES, UnsupportedLayerError } from "../export/errors";
export type { LayersModelJson, ModelMetadata, SavedModel, WeightSpec } from "../export/format";
export {
  checkSavedModel,
  MODEL_FILES,
  MODEL_FORMAT,
  ModelFileError,
  modelArtifacts,
  modelMetadataSchema,
  PIXEL_SCALE,
  PREPROCESSING,
  parseMetadata,
  parseModelJson,
} from "../export/format";
export { maxModelBytes, packModel, unpackModel } from "../export/pack";
export { registerSubtract } from "../export/subtract";
export { TRAINER_VERSION } from "../version";
export { CLASS_NAMES } from "./classes";
export type { ArchError } from "./errors";
export type { KerasLayerJson, KerasModelJson } from "./keras";
export { camelToSnake, k as keras, sequential } from "./keras";
export { ACTIVATIONS } from "./layers";
export type { ParseOptions } from "./limits";
export { DEFAULT_LIMITS } from "./limits";
export type { BuilderModel, NormalizedLayer, NormalizedModel, ParseResult } from "./model";
export { parseArchitecture } from "./parse";
export type { Preset } from "./presets";
export { getPreset, presets } from "./presets";
export type { Summary, SummaryRow } from "./summary";
export { formatFlops, formatSummary, summarize } from "./summary";
export type { TrainingConfig, TrainingConfigInput } from "./training";
export { OPTIMIZERS, parseTrainingConfig } from "./training";
