// The bundle's JavaScript: the GPU benchmark, the worker supervisor, one worker process and the
// training replica thread, bundled by esbuild with everything they import (tfjs and its backends,
// Prisma's generated client, pg-boss) into lib/. Every output sits in that one directory, so
// `new URL("./x", import.meta.url)` in any of them (the replica and process entries, the SIMD
// kernels' text, the wasm binaries, dawn.node) names a file of lib/.
import { join } from "node:path";
import { build, type Plugin } from "esbuild";

// CommonJS packages bundled into ES modules still read __dirname (tfjs's wasm backend finds its
// .wasm files there) and call require (Node built-ins): give every output file both.
const CJS_SHIM = [
  'import { createRequire as __catwalkRequire } from "node:module";',
  'import { fileURLToPath as __catwalkPath } from "node:url";',
  "const require = __catwalkRequire(import.meta.url);",
  "const __filename = __catwalkPath(import.meta.url);",
  'const __dirname = __catwalkPath(new URL(".", import.meta.url));',
].join("\n");

// trainer/backend/webgpu.ts takes WebGPUBackend from `await import(...)`. Node gives a CommonJS
// package's named exports to import(); esbuild's split output gives only `default`. The
// package's ES module build (its "module" field, on the same @tensorflow/tfjs-core) has them.
const esmWebgpuBackend = (root: string): Plugin => ({
  name: "tfjs-backend-webgpu-esm",
  setup(b) {
    b.onResolve({ filter: /^@tensorflow\/tfjs-backend-webgpu$/ }, () => ({
      path: join(root, "node_modules", "@tensorflow", "tfjs-backend-webgpu", "dist", "index.js"),
    }));
  },
});

export const ENTRIES = {
  "lib/bench-gpu": "bench/gpu.ts",
  "lib/worker": "worker/main.ts",
  "lib/process": "worker/process.ts",
  "lib/replica": "trainer/train/replica.ts",
} as const;

export async function bundleJavaScript(root: string, outdir: string): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node24",
    outExtension: { ".js": ".mjs" },
    chunkNames: "lib/chunk-[hash]",
    // Resolved now as the worker resolves it at run time (lib/node-args.ts): `server-only` is empty.
    conditions: ["react-server"],
    // webgpu finds dawn.node next to its own index.js: it ships as a package in lib/node_modules.
    // The others are optional packages the code asks for by a variable name, or never on this path.
    external: ["webgpu", "@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu", "pg-native"],
    banner: { js: CJS_SHIM },
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    plugins: [esmWebgpuBackend(root)],
    logLevel: "warning",
  });
}
