// The browser half of bench/browser-inference.ts: runs in the bench page, on tfjs's UMD bundles
// (window.tf, tf.wasm) and our own modules (/m/… = components/model/*.ts, transpiled).
import { chooseBackend, softwareWebGl } from "/m/backend";
import { loadModel, predict } from "/m/inference";
import { preprocess } from "/m/preprocess";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

export async function run({ runs }) {
  const tf = window.tf;
  tf.wasm.setWasmPaths("/wasm/");
  const pad = document.getElementById("pad");
  const ctx = pad.getContext("2d", { willReadFrequently: true });
  let seed = 7;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  // What the Try-it page would pick here.
  const picked = await chooseBackend(tf);
  const results = [];
  for (const backend of ["webgl", "wasm", "cpu"]) {
    try {
      // Forced, to measure each one (the page itself skips software WebGL: see `picked`).
      if (!(await tf.setBackend(backend))) throw new Error("did not initialise");
      await tf.ready();
    } catch (e) {
      results.push({ backend, ok: false, reason: String(e?.message ?? e) });
      continue;
    }
    const started = performance.now();
    const loaded = await loadModel(tf, "/model", ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    const loadMs = performance.now() - started;
    const total = [];
    const pre = [];
    const inference = [];
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, 280, 280);
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 18;
    ctx.lineCap = "round";
    for (let i = 0; i < runs + 5; i++) {
      ctx.beginPath();
      ctx.moveTo(40 + random() * 200, 40 + random() * 200);
      ctx.lineTo(40 + random() * 200, 40 + random() * 200);
      ctx.stroke();
      const t0 = performance.now();
      const input = preprocess(ctx.getImageData(0, 0, 280, 280));
      const t1 = performance.now();
      const prediction = await predict(loaded, input.pixels);
      const t2 = performance.now();
      if (prediction.probabilities.length !== 10) throw new Error("not 10 probabilities");
      // The first few warm caches up (shader programs, wasm buffers): not what a stroke costs.
      if (i < 5) continue;
      pre.push(t1 - t0);
      inference.push(prediction.ms);
      total.push(t2 - t0);
    }
    loaded.model.dispose();
    results.push({
      backend,
      ok: true,
      runs,
      medianMs: median(total),
      p90Ms: p90(total),
      predictMedianMs: median(inference),
      preprocessMedianMs: median(pre),
      loadMs,
    });
  }
  return { picked, softwareWebGl: softwareWebGl(), results, userAgent: navigator.userAgent };
}
