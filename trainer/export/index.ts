// The trained model, saved and exported (Node side: tfjs, and the exporters' libraries). The
// browser-safe part (format.ts, pack.ts) is re-exported by @/trainer/arch as well.
export * from "./files";
export * from "./format";
export * from "./pack";
export type { SaveInfo } from "./save";
export { loadModel, predictProbabilities, saveTrainedModel } from "./save";
