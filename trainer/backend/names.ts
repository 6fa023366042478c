// Kept apart from select.ts (which loads tfjs) so the env module can validate CATWALK_BACKEND
// without pulling tfjs into whatever imports the data paths (the web server does).

/** The backends selectBackend() tries, fastest first. */
export const BACKEND_NAMES = ["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
