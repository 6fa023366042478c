// @/trainer/export: a saved model's files and their conversions (Keras 3, ONNX), without
// training code or tfjs at run time, so the web server can convert a stored model for download
// without bundling the trainer. Saving a trained model (save.ts, tfjs) is @/trainer's. The
// browser-safe part (format.ts, pack.ts) is re-exported by @/trainer/arch as well.

export * from "./errors";
export * from "./files";
export * from "./format";
export { exportKeras, kerasConfig, kerasWeightPaths, toSnakeCase } from "./keras";
export type { ExportLayer, ExportModel, ExportWeight } from "./layers";
export { exportLayers } from "./layers";
export { exportOnnx, ONNX_INPUT, ONNX_OPSET, ONNX_OUTPUT } from "./onnx";
export * from "./pack";
