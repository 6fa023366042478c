import { MODEL_FORMAT_INFO, type ModelFormat, modelDownloadUrl, modelFileStem } from "@/lib/model-formats";
import type { ModelView } from "@/lib/server/services/submissions/view";
import { Card, formatCount } from "../ui";

/** How to open each download, in Python and in JavaScript (5 lines each, copied as they are). */
function snippets(file: string): Record<ModelFormat, { python: string; js: string }> {
  const stem = file.replace(/\.tfjs\.zip$/, "");
  return {
    tfjs: {
      python: `# pip install tensorflowjs   (unzip ${file} into ${stem}/ first)
import numpy as np, tensorflowjs as tfjs
model = tfjs.converters.load_keras_model("${stem}/model.json")
x = np.zeros((1, 28, 28, 1), np.float32)   # pixels / 255, light object on black
print(model.predict(x).argmax(-1))`,
      js: `// npm i @tensorflow/tfjs-node   (unzip ${file} into ${stem}/ first)
import * as tf from "@tensorflow/tfjs-node";
const model = await tf.loadLayersModel("file://${stem}/model.json");
const x = tf.zeros([1, 28, 28, 1]);          // pixels / 255, light object on black
model.predict(x).argMax(-1).print();`,
    },
    keras: {
      python: `# pip install keras tensorflow   (Keras 3)
import numpy as np, keras
model = keras.saving.load_model("${file}")
x = np.zeros((1, 28, 28, 1), np.float32)   # pixels / 255, light object on black
print(model.predict(x).argmax(-1))`,
      js: `// JavaScript has no .keras reader: use the TensorFlow.js download
// (the same weights), or convert this file with the tensorflowjs converter:
//   tensorflowjs_converter --input_format=keras ${file} ${stem}-tfjs/
import * as tf from "@tensorflow/tfjs-node";
const model = await tf.loadLayersModel("file://${stem}-tfjs/model.json");`,
    },
    onnx: {
      python: `# pip install onnxruntime numpy
import numpy as np, onnxruntime as ort
session = ort.InferenceSession("${file}")
x = np.zeros((1, 28, 28, 1), np.float32)   # NHWC, pixels / 255
print(session.run(None, {session.get_inputs()[0].name: x})[0].argmax(-1))`,
      js: `// npm i onnxruntime-node   (onnxruntime-web in a browser)
import * as ort from "onnxruntime-node";
const session = await ort.InferenceSession.create("${file}");
const x = new ort.Tensor("float32", new Float32Array(784), [1, 28, 28, 1]);
console.log((await session.run({ [session.inputNames[0]]: x }))[session.outputNames[0]].data);`,
    },
  };
}

/**
 * The trained model's downloads, each with the few lines that open it. Shown to whoever may use
 * the model (its author, graders, classmates while the class shares models).
 */
export function ModelDownloads({
  submissionId,
  name,
  model,
}: {
  submissionId: string;
  name: string;
  model: ModelView;
}) {
  const stem = modelFileStem(name, submissionId);
  const missing = (["keras", "onnx"] as const)
    .filter((f) => !model.formats.includes(f))
    .map((f) => (f === "keras" ? "Keras" : "ONNX"));
  return (
    <Card headingId="downloads-heading" heading="Download the trained model" headingClassName="mb-1">
      <p className="mb-3 text-sm text-slate-600">
        {formatCount(model.sizeBytes)} bytes stored. Input: 28×28×1 grayscale, pixels divided by 255, a light object on
        a black background (as Fashion-MNIST); output: the 10 class probabilities.
      </p>
      <ul className="space-y-2">
        {model.formats.map((format) => {
          const file = `${stem}.${MODEL_FORMAT_INFO[format].extension}`;
          const code = snippets(file)[format];
          return (
            <li key={format} className="rounded-lg ring-1 ring-slate-200">
              <details>
                <summary className="flex cursor-pointer flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
                  <span className="font-medium">{MODEL_FORMAT_INFO[format].label}</span>
                  <a
                    href={modelDownloadUrl(submissionId, format)}
                    download={file}
                    className="font-medium text-brand-600 hover:text-brand-700"
                    data-testid={`download-${format}`}
                  >
                    Download .{MODEL_FORMAT_INFO[format].extension}
                  </a>
                </summary>
                <div className="grid gap-2 px-3 pb-3 md:grid-cols-2">
                  {(["python", "js"] as const).map((lang) => (
                    <figure key={lang} className="min-w-0">
                      <figcaption className="text-xs text-slate-500">
                        {lang === "js" ? "JavaScript" : "Python"}
                      </figcaption>
                      <pre className="overflow-x-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
                        <code>{code[lang]}</code>
                      </pre>
                    </figure>
                  ))}
                </div>
              </details>
            </li>
          );
        })}
      </ul>
      {missing.length > 0 && (
        <p className="mt-2 text-xs text-slate-500">
          {missing.join(" and ")} {missing.length > 1 ? "are" : "is"} not offered: the exporter can't write this model
          in that format (a layer with no equivalent there, or a graph model with branches and merges).
        </p>
      )}
    </Card>
  );
}
