// Node entry point of the trainer. The browser-safe part lives in ./arch.
export * from './arch/index.js';
export { TrainerError, isTrainerError, TRAINER_ERROR_CODES } from './errors.js';
export type { TrainerErrorCode } from './errors.js';
export { loadFashionMnist, CLASS_NAMES, FIXTURE_DIR, DEBIAN_DIR, OFFICIAL_MD5, searchDirs, defaultCacheDir } from './data/fashionMnist.js';
export type { FashionMnist, Split, LoadOptions } from './data/fashionMnist.js';
export { selectBackend, currentBackend } from './backend/select.js';
export type { BackendInfo, BackendName } from './backend/select.js';
export { runTraining } from './train/run.js';
export type { EpochMetrics, ProgressEvent, RunTrainingOptions, TrainingOutcome } from './train/run.js';
export { publicPrivateSplit, PUBLIC_SPLIT_SEED, confusionMatrix, perClassMetrics } from './train/scoring.js';
export type { ClassMetrics } from './train/scoring.js';
export { estimateEpochTime } from './estimate.js';
export type { EpochEstimate } from './estimate.js';
