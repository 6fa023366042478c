// Node entry point of the trainer: training, backends and data loading (it loads tfjs). The
// browser-safe part is ./arch, the data layer without tfjs ./data.
export * from "./arch";
export type { BackendInfo, BackendName } from "./backend/select";
export { selectBackend } from "./backend/select";
export * from "./data";
export type { FashionMnist, LoadOptions, Split } from "./data/fashionMnist";
export { FIXTURE_DIR, loadFashionMnist } from "./data/fashionMnist";
export type { TrainerErrorCode } from "./errors";
export { TrainerError } from "./errors";
export type { EpochEstimate } from "./estimate";
export { estimateEpochTime } from "./estimate";
export type { Evaluation } from "./evaluate";
export { evaluateSavedModel } from "./evaluate";
export type { SaveInfo } from "./export";
export { loadModel, predictProbabilities, readModel, saveTrainedModel, writeModelDir } from "./export";
export { buildModel } from "./train/model";
export type { EpochMetrics, ProgressEvent, RunTrainingOptions, TrainingOutcome } from "./train/run";
export { runTraining, trainingThreads } from "./train/run";
