// `npm run gpu:bundle [-- --out=DIR] [-- --fast]`: a self-contained folder (default
// dist/gpu-bundle/) that runs the GPU benchmark and the trainer worker on a Linux machine with no
// Node, npm or network (a Python/CUDA image): Node, the bundled JavaScript, dawn.node, the wasm
// backend's files and the Vulkan loader, with a launcher (launcher.sh → bin/node). --fast
// compresses with gzip -1 instead of xz -6 (the test's build; the layout is the same).
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { compressInPlace, copyRunTimeFiles, copyWebgpuPackage, stripAndCompress } from "./binaries";
import { bundleJavaScript } from "./javascript";
import { bundleReadme, type Part } from "./readme";
import { copyVulkanDebs } from "./vulkan";

const LIMIT = 60 * 2 ** 20;
const root = resolve(import.meta.dirname, "..", "..");
const { values } = parseArgs({ options: { out: { type: "string" }, fast: { type: "boolean" } } });
const out = resolve(values.out ?? join(root, "dist", "gpu-bundle"));
const compression = values.fast ? "gzip" : "xz";
const t0 = performance.now();
const timings: Record<string, number> = {};
const timed = <T>(name: string, f: () => T): T => {
  const t = performance.now();
  const r = f();
  timings[name] = (performance.now() - t) / 1000;
  return r;
};

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "bin"), { recursive: true });
const t = performance.now();
await bundleJavaScript(root, out);
timings.javascript = (performance.now() - t) / 1000;
// 16 MiB of JavaScript is 3 MiB compressed (h5wasm and Prisma's query compiler embed their wasm as text).
timed("compress javascript", () => {
  for (const f of readdirSync(join(out, "lib")))
    if (f.endsWith(".mjs")) compressInPlace(join(out, "lib", f), compression);
});
// The bench's own path: children start `process.argv[1]` again, results go beside it.
mkdirSync(join(out, "bench"));
writeFileSync(join(out, "bench", "gpu.mjs"), 'import "../lib/bench-gpu.mjs";\n');
timed("files", () => copyRunTimeFiles(root, out));
timed("dawn", () => copyWebgpuPackage(root, out, compression));
timed("node", () =>
  stripAndCompress(root, join(root, "node_modules", "node", "bin", "node"), join(out, "runtime", "node"), compression),
);
timed("vulkan", () => copyVulkanDebs(root, out));

copyFileSync(join(import.meta.dirname, "launcher.sh"), join(out, "bin", "node"));
const wrappers = { "catwalk-worker": "lib/worker.mjs", "bench-gpu": "bench/gpu.mjs" };
for (const [name, entry] of Object.entries(wrappers)) {
  writeFileSync(join(out, "bin", name), `#!/bin/sh\nexec "$(dirname "$0")/node" "$(dirname "$0")/../${entry}" "$@"\n`);
}
for (const f of readdirSync(join(out, "bin"))) chmodSync(join(out, "bin", f), 0o755);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}
const groups: [string, (path: string) => boolean][] = [
  [`Node 24 binary (runtime/node, ${compression})`, (p) => p.startsWith("runtime/")],
  [`dawn.node (${compression})`, (p) => p.includes("/dawn.node")],
  [`JavaScript (lib/*.mjs, esbuild, ${compression})`, (p) => p.includes(".mjs")],
  ["wasm backend binaries + SIMD kernels' text", (p) => p.endsWith(".wasm") || p.endsWith(".wat")],
  ["Vulkan loader (.deb)", (p) => p.startsWith("vulkan/")],
  ["Fashion-MNIST fixture subset", (p) => p.startsWith("fixtures/")],
  ["launcher, webgpu package files, README", () => true],
];
const writeParts = () => {
  const sums = new Map<string, number>(groups.map(([g]) => [g, 0]));
  for (const f of files(out)) {
    const rel = relative(out, f);
    const [g] = groups.find(([, test]) => test(rel))!;
    sums.set(g, sums.get(g)! + statSync(f).size);
  }
  return [...sums].map(([what, bytes]): Part => ({ what, bytes }));
};
const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
const readme = (parts: Part[]) =>
  bundleReadme({
    parts,
    total: parts.reduce((a, p) => a + p.bytes, 0),
    compression,
    builtAt: new Date().toISOString(),
    commit,
  });
// Twice: the README counts itself.
writeFileSync(join(out, "README.md"), readme(writeParts()));
const parts = writeParts();
writeFileSync(join(out, "README.md"), readme(parts));
const total = parts.reduce((a, p) => a + p.bytes, 0);
for (const p of parts) console.log(`${(p.bytes / 2 ** 20).toFixed(1).padStart(6)} MiB  ${p.what}`);
console.log(`${(total / 2 ** 20).toFixed(1).padStart(6)} MiB  total → ${out}`);
console.log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s (${JSON.stringify(timings)})`);
// --fast (gzip -1) is the test's quick build; the limit is the real one's.
if (total > LIMIT && !values.fast) {
  console.error(`the bundle is ${(total / 2 ** 20).toFixed(1)} MiB, over the ${LIMIT / 2 ** 20} MiB it must fit in`);
  process.exit(1);
}
