import { type BackendChoice, chooseBackend, type Tf } from "./backend";

// TensorFlow.js for the model pages, loaded on first use (about a megabyte of script that no
// other page needs), with the wasm backend's binaries from /api/tfjs-wasm (app/api/tfjs-wasm)
// and the backend chosen once per page load.

let loading: Promise<{ tf: Tf; backend: BackendChoice }> | null = null;

export function loadTfjs(): Promise<{ tf: Tf; backend: BackendChoice }> {
  loading ??= (async () => {
    const [tf, wasm] = await Promise.all([import("@tensorflow/tfjs"), import("@tensorflow/tfjs-backend-wasm")]);
    wasm.setWasmPaths(`/api/tfjs-wasm/${wasm.version_wasm}/`);
    return { tf, backend: await chooseBackend(tf) };
  })();
  // A failed load (a network hiccup fetching a chunk) may be retried by the next caller.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
