// Browser-safe: the web app can show why a format is unavailable.

export type ExportFormat = "tfjs" | "keras" | "onnx";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["tfjs", "keras", "onnx"];
export const FORMAT_NAMES: Record<ExportFormat, string> = { tfjs: "TensorFlow.js", keras: "Keras", onnx: "ONNX" };

/**
 * A layer (or one of its settings) that a format can't express. Thrown before anything is
 * written, so an export is either complete or not made at all.
 */
export class UnsupportedLayerError extends Error {
  readonly format: ExportFormat;
  readonly layerName: string;
  readonly className: string;
  constructor(format: ExportFormat, layer: { name: string; className: string }, reason?: string) {
    super(
      `can't export to ${FORMAT_NAMES[format]}: layer '${layer.name}' (${layer.className}) is not supported${reason ? `: ${reason}` : ""}`,
    );
    this.name = "UnsupportedLayerError";
    this.format = format;
    this.layerName = layer.name;
    this.className = layer.className;
  }
}
