// Keras's Subtract layer (a − b of exactly two inputs), which tfjs-layers lacks. Registered
// under Keras's class name, so a graph model's model.json says what Keras says; whatever loads
// such a model in tfjs must register it first: the trainer and loadModel do on import, the web
// app's inference (components/model/inference.ts) with its own tfjs instance. Broadcasting as
// Keras's Merge: a lower-rank input gets size-1 axes right after the batch axis (base_merge.py
// call), then numpy rules. Takes tfjs as an argument so the browser's lazily loaded copy works.
import type * as TF from "@tensorflow/tfjs";
import { broadcastShapes } from "../arch/layers/merging";

type Shape = (number | null)[];
type Tf = typeof TF;

const registered = new WeakSet<object>();

export function registerSubtract(tf: Tf): void {
  if (registered.has(tf.serialization)) return;
  registered.add(tf.serialization);
  class Subtract extends tf.layers.Layer {
    static className = "Subtract";

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shapes = inputShape as Shape[];
      if (shapes.length !== 2) throw new Error(`A Subtract layer takes exactly 2 inputs, got ${shapes.length}`);
      const [a, b] = shapes.map((s) => s.slice(1).map((d) => d ?? -1));
      const out = broadcastShapes(a, b);
      if (!out) throw new Error(`Subtract: shapes ${JSON.stringify(shapes)} don't broadcast`);
      return [null, ...out.map((d) => (d < 0 ? null : d))];
    }

    override call(inputs: TF.Tensor | TF.Tensor[]): TF.Tensor {
      return tf.tidy(() => {
        let [a, b] = inputs as TF.Tensor[];
        while (a.rank < b.rank) a = a.expandDims(1);
        while (b.rank < a.rank) b = b.expandDims(1);
        return tf.sub(a, b);
      });
    }
  }
  tf.serialization.registerClass(Subtract);
}
