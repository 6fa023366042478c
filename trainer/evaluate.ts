// Scores a saved model on a test split without training: a re-evaluation. The same metrics as the
// end of runTraining, from the model a user downloads (softmax outputs), so a re-evaluation of an
// unchanged model gives the same predictions and accuracies.
import type { Split } from "./data/fashionMnist";
import { accuracyOn, type ClassMetrics, confusionMatrix, perClassMetrics, publicPrivateSplit } from "./data/scoring";
import type { SavedModel } from "./export/format";
import { loadModel, predictProbabilities } from "./export/save";

export interface Evaluation {
  testAccuracy: number;
  /** Mean cross-entropy, with probabilities clipped at 1e-7 as Keras does. */
  testLoss: number;
  publicAccuracy: number;
  privateAccuracy: number;
  confusionMatrix: number[][];
  perClass: ClassMetrics[];
  predictions: Uint8Array;
  evalDurationMs: number;
}

const EPSILON = 1e-7;

export async function evaluateSavedModel(saved: SavedModel, test: Split): Promise<Evaluation> {
  const t0 = performance.now();
  const model = await loadModel(saved);
  try {
    const probabilities = await predictProbabilities(model, test.images, test.count);
    const predictions = new Uint8Array(test.count);
    let lossSum = 0;
    for (let i = 0; i < test.count; i++) {
      let arg = 0;
      for (let c = 1; c < 10; c++) if (probabilities[i * 10 + c] > probabilities[i * 10 + arg]) arg = c;
      predictions[i] = arg;
      lossSum -= Math.log(Math.max(EPSILON, probabilities[i * 10 + test.labels[i]]));
    }
    const cm = confusionMatrix(test.labels, predictions);
    const split = publicPrivateSplit(test.count);
    const everything = Uint32Array.from(predictions, (_, i) => i);
    return {
      testAccuracy: accuracyOn(test.labels, predictions, everything),
      testLoss: lossSum / test.count,
      publicAccuracy: accuracyOn(test.labels, predictions, split.public),
      privateAccuracy: accuracyOn(test.labels, predictions, split.private),
      confusionMatrix: cm,
      perClass: perClassMetrics(cm),
      predictions,
      evalDurationMs: performance.now() - t0,
    };
  } finally {
    model.dispose();
  }
}
