import "server-only";
import { MODEL_FORMATS, type ModelFormat } from "@/lib/model-formats";

/**
 * The formats a stored architecture exports to. Every model the trainer builds is a tfjs layers
 * model and a Keras model; ONNX covers the layers trainer/export maps to ONNX operators.
 */
export function exportFormats(_architecture: unknown): ModelFormat[] {
  return [...MODEL_FORMATS];
}
