import "server-only";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

// The WebAssembly binaries of @tensorflow/tfjs-backend-wasm, which the browser fetches when a
// model page picks the wasm backend (components/model/tfjs.ts). Served from the installed
// package, so they always match the JavaScript that loads them; the version is part of the URL,
// so they can be cached for good. No viewer: they are the library's public files, like our scripts.

const FILES = new Set([
  "tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm",
]);

const packageDir = () =>
  dirname(createRequire(join(process.cwd(), "package.json")).resolve("@tensorflow/tfjs-backend-wasm/package.json"));

let installed: Promise<string> | null = null;
const cache = new Map<string, Promise<Uint8Array>>();

/** The installed tfjs-backend-wasm version. */
function installedVersion(): Promise<string> {
  installed ??= readFile(join(packageDir(), "package.json"), "utf8").then((text) => String(JSON.parse(text).version));
  return installed;
}

/** The bytes of `file` when `version` is the installed one and `file` one of its binaries; null otherwise. */
export async function tfjsWasmFile(version: string, file: string): Promise<Uint8Array | null> {
  if (!FILES.has(file) || version !== (await installedVersion())) return null;
  let bytes = cache.get(file);
  if (!bytes) {
    bytes = readFile(join(packageDir(), "dist", file)).then((b) => new Uint8Array(b));
    cache.set(file, bytes);
  }
  return bytes;
}
