// Node entry point of the trainer. The browser-safe part lives in ./arch.
export * from "./arch/index.js";
export type { BackendInfo, BackendName } from "./backend/select.js";
export { currentBackend, selectBackend } from "./backend/select.js";
export type { FashionMnist, LoadOptions, Split } from "./data/fashionMnist.js";
export {
  CLASS_NAMES,
  DEBIAN_DIR,
  defaultCacheDir,
  FIXTURE_DIR,
  loadFashionMnist,
  OFFICIAL_MD5,
  searchDirs,
} from "./data/fashionMnist.js";
export type { TrainerErrorCode } from "./errors.js";
export { isTrainerError, TRAINER_ERROR_CODES, TrainerError } from "./errors.js";
export type { EpochEstimate } from "./estimate.js";
export { estimateEpochTime } from "./estimate.js";
export type { EpochMetrics, ProgressEvent, RunTrainingOptions, TrainingOutcome } from "./train/run.js";
export { runTraining } from "./train/run.js";
export type { ClassMetrics } from "./train/scoring.js";
export { confusionMatrix, PUBLIC_SPLIT_SEED, perClassMetrics, publicPrivateSplit } from "./train/scoring.js";
