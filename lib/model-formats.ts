// The download formats of a trained model (browser-safe: pages list them, routes serve them).

export const MODEL_FORMATS = ["tfjs", "keras", "onnx"] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

export const MODEL_FORMAT_INFO: Record<ModelFormat, { label: string; extension: string; contentType: string }> = {
  tfjs: {
    label: "TensorFlow.js (model.json + weights, zipped)",
    extension: "tfjs.zip",
    contentType: "application/zip",
  },
  keras: { label: "Keras 3 (.keras)", extension: "keras", contentType: "application/zip" },
  onnx: { label: "ONNX", extension: "onnx", contentType: "application/octet-stream" },
};

/** Where a viewer who may use the model downloads it in a format. */
export const modelDownloadUrl = (submissionId: string, format: ModelFormat) =>
  `/api/submissions/${encodeURIComponent(submissionId)}/model/download?format=${format}`;

/** The stock tfjs files of the stored model (tf.loadLayersModel reads model.json, then weights.bin beside it). */
export const modelFileUrl = (submissionId: string, file: "model.json" | "weights.bin" | "metadata.json") =>
  `/api/submissions/${encodeURIComponent(submissionId)}/model/files/${file}`;

/** The known formats among stored names, in the canonical order (unknown names are dropped). */
export const modelFormats = (names: readonly string[]): ModelFormat[] =>
  MODEL_FORMATS.filter((format) => names.includes(format));
