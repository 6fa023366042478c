// The bundle's native and binary parts: the Node binary and dawn.node, stripped and compressed
// (the launcher unpacks them on first use), and the files read at run time beside lib/ (the wasm
// backend's binaries, the SIMD kernels' text) — a cache in node_modules/.cache keeps the slow
// compression of an unchanged input from being redone.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

export type Compression = "xz" | "gzip";

/** `xz -6`: 108 MB of Node in 26 MiB; `gzip -1` only for the test's quick builds. */
function compressCommand(kind: Compression): [string, string[], string] {
  return kind === "xz" ? ["xz", ["-6", "-T0", "-c"], ".xz"] : ["gzip", ["-1", "-c"], ".gz"];
}

/** Strips `source` (symbols only; dynamic symbols stay) and compresses it to `target` + .xz/.gz. */
export function stripAndCompress(root: string, source: string, target: string, kind: Compression): string {
  const [tool, args, ext] = compressCommand(kind);
  const s = statSync(source);
  const key = createHash("sha256")
    .update(`${source}:${s.size}:${s.mtimeMs}:${tool}${args.join("")}`)
    .digest("hex");
  const cache = join(root, "node_modules", ".cache", "catwalk-gpu-bundle", key.slice(0, 16) + ext);
  if (!existsSync(cache)) {
    mkdirSync(dirname(cache), { recursive: true });
    const stripped = `${cache}.stripped`;
    execFileSync("strip", ["--strip-unneeded", "-o", stripped, source]);
    execFileSync("sh", ["-c", `${tool} ${args.join(" ")} "$1" > "$2"`, "sh", stripped, `${cache}.part`]);
    renameSync(`${cache}.part`, cache);
    execFileSync("rm", ["-f", stripped]);
  }
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(cache, target + ext);
  return target + ext;
}

/** Compresses `file` beside itself (file.xz / file.gz) and removes it: the launcher restores it. */
export function compressInPlace(file: string, kind: Compression): void {
  const [tool, args] = compressCommand(kind);
  execFileSync(tool, [...args.filter((a) => a !== "-c"), file]);
}

/** The wasm backend's binaries where its emscripten glue looks (__dirname: lib/), and the SIMD kernels' text. */
export function copyRunTimeFiles(root: string, bundle: string): void {
  const wasmDir = join(root, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist");
  for (const f of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) {
    copyFileSync(join(wasmDir, f), join(bundle, "lib", f));
  }
  // trainer/backend/simd.ts reads new URL("./simd/kernels.wat", import.meta.url).
  mkdirSync(join(bundle, "lib", "simd"), { recursive: true });
  copyFileSync(join(root, "trainer", "backend", "simd", "kernels.wat"), join(bundle, "lib", "simd", "kernels.wat"));
  // FIXTURE_DIR is new URL("../fixtures/fashion-mnist", import.meta.url): the smoke run's data.
  cpSync(join(root, "trainer", "fixtures", "fashion-mnist"), join(bundle, "fixtures", "fashion-mnist"), {
    recursive: true,
  });
}

/** npm's webgpu package for this platform only: its index.js requires dist/<platform>-<arch>/dawn.node. */
export function copyWebgpuPackage(root: string, bundle: string, kind: Compression): string {
  const from = join(root, "node_modules", "webgpu");
  const to = join(bundle, "lib", "node_modules", "webgpu");
  mkdirSync(to, { recursive: true });
  for (const f of ["package.json", "index.js", "LICENSE.md"]) copyFileSync(join(from, f), join(to, f));
  const platform = `${process.platform}-${process.arch}`;
  return stripAndCompress(
    root,
    join(from, "dist", platform, "dawn.node"),
    join(to, "dist", platform, "dawn.node"),
    kind,
  );
}
