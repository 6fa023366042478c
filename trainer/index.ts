// Node entry point of the trainer. The browser-safe part lives in ./arch.
export * from "./arch";
export type { BackendInfo, BackendName } from "./backend/select";
export { currentBackend, selectBackend } from "./backend/select";
export type { FashionMnist, LoadOptions, Split } from "./data/fashionMnist";
export {
  CLASS_NAMES,
  DEBIAN_DIR,
  defaultCacheDir,
  FIXTURE_DIR,
  loadFashionMnist,
  OFFICIAL_MD5,
  searchDirs,
} from "./data/fashionMnist";
export type { TrainerErrorCode } from "./errors";
export { isTrainerError, TRAINER_ERROR_CODES, TrainerError } from "./errors";
export type { EpochEstimate } from "./estimate";
export { estimateEpochTime } from "./estimate";
export type { EpochMetrics, ProgressEvent, RunTrainingOptions, TrainingOutcome } from "./train/run";
export { runTraining } from "./train/run";
export type { ClassMetrics } from "./train/scoring";
export { confusionMatrix, PUBLIC_SPLIT_SEED, perClassMetrics, publicPrivateSplit } from "./train/scoring";
