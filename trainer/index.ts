// Node entry point of the trainer: training, backends and data loading (it loads tfjs). The
// browser-safe part is ./arch, the data layer without tfjs ./data.
export * from "./arch";
export type { BackendInfo, BackendName, GpuAdapter } from "./backend/select";
export { backendLabel, selectBackend } from "./backend/select";
export { loseWebGpuDevice, webgpuMemory } from "./backend/webgpu";
export * from "./data";
export type { FashionMnist, LoadOptions, Split } from "./data/fashionMnist";
export { FIXTURE_DIR, loadFashionMnist } from "./data/fashionMnist";
export type { TrainerErrorCode } from "./errors";
export { TrainerError } from "./errors";
export type { EpochEstimate } from "./estimate";
export { estimateEpochTime } from "./estimate";
export type { Evaluation } from "./evaluate";
export { evaluateSavedModel } from "./evaluate";
export type { ExportLayer, ExportModel, ExportWeight } from "./export";
export {
  exportKeras,
  exportLayers,
  exportOnnx,
  kerasConfig,
  kerasWeightPaths,
  ONNX_INPUT,
  ONNX_OPSET,
  ONNX_OUTPUT,
  readModel,
  toSnakeCase,
  UnsupportedLayerError,
  writeModelDir,
} from "./export";
export type { SaveInfo } from "./export/save";
export { loadModel, predictProbabilities, saveTrainedModel } from "./export/save";
export type { CheckpointContent, DecodeResult } from "./train/checkpoint-format";
export { decodeCheckpoint } from "./train/checkpoint-format";
export { buildModel } from "./train/model";
export type { CheckpointOptions, EpochMetrics, ProgressEvent, RunTrainingOptions, TrainingOutcome } from "./train/run";
export { runTraining, trainingThreads } from "./train/run";
export { makeOptimizer } from "./train/step";
