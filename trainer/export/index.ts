// The trained model, saved and exported (Node side: tfjs, and the exporters' libraries). The
// browser-safe part (format.ts, pack.ts) is re-exported by @/trainer/arch as well.

export * from "./errors";
export * from "./files";
export * from "./format";
export { exportKeras, kerasConfig, kerasWeightPaths, toSnakeCase } from "./keras";
export type { ExportLayer, ExportModel, ExportWeight } from "./layers";
export { exportLayers } from "./layers";
export { exportOnnx, ONNX_INPUT, ONNX_OPSET, ONNX_OUTPUT } from "./onnx";
export * from "./pack";
export type { SaveInfo } from "./save";
export { loadModel, predictProbabilities, saveTrainedModel } from "./save";
