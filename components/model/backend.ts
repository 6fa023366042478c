import type * as TF from "@tensorflow/tfjs";

// Which tfjs backend runs the model in this browser: WebGL, then WebAssembly, then plain
// JavaScript. tfjs is passed in, not imported, so the page loads it only when a model is shown
// (components/model/tfjs.ts) and bench/browser-inference.ts runs this same code on tfjs's own
// bundle.

export type Tf = typeof TF;

export const BACKEND_ORDER = ["webgl", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export interface BackendChoice {
  name: BackendName;
  /** The faster backends passed over, and why. */
  skipped: { name: BackendName; reason: string }[];
}

/**
 * WebGL drawn by the CPU (Chromium's SwiftShader, Mesa's llvmpipe: headless browsers, machines
 * without a GPU driver) runs a small network many times slower than WebAssembly on the same
 * CPU, so it counts as no WebGL. Null when WebGL is there and hardware-backed.
 */
export function softwareWebGl(): string | null {
  if (typeof document === "undefined") return "no document (not a browser page)";
  const canvas = document.createElement("canvas");
  const gl = (canvas.getContext("webgl2") ?? canvas.getContext("webgl")) as WebGLRenderingContext | null;
  if (!gl) return "WebGL is not available in this browser";
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension("WEBGL_lose_context")?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? `WebGL is software-rendered (${renderer})` : null;
}

/** Sets the first backend of `order` that initialises here and says which, and why others were skipped. */
export async function chooseBackend(tf: Tf, order: readonly BackendName[] = BACKEND_ORDER): Promise<BackendChoice> {
  const skipped: BackendChoice["skipped"] = [];
  for (const name of order) {
    if (name === "webgl") {
      const reason = softwareWebGl();
      if (reason) {
        skipped.push({ name, reason });
        continue;
      }
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return { name, skipped };
      }
      skipped.push({ name, reason: "it did not initialise" });
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  throw new Error(
    `No TensorFlow.js backend works in this browser: ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}.`,
  );
}
