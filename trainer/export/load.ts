// A saved model back in stock tfjs, the same call a user makes on model.json + weights.bin. Apart
// from save.ts so that the exporters (which read layers through it) need no training code.
import * as tf from "@tensorflow/tfjs";
import { modelArtifacts, type SavedModel } from "./format";
import { registerSubtract } from "./subtract";

// Graph models may hold Keras's Subtract, which tfjs-layers lacks.
registerSubtract(tf);

export function loadModel(saved: SavedModel): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(modelArtifacts(saved) as unknown as tf.io.ModelArtifacts));
}
