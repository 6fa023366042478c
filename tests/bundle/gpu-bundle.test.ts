// The GPU bundle (npm run gpu:bundle) as the target machine gets it: built (gzip -1 instead of
// xz for speed; the layout and the launcher are the real ones), moved to a folder outside the
// repository, and run with a PATH that has no node or npm and an environment with nothing of the
// checkout: the benchmark's smoke run and the bundled worker reaching "ready" on the test database.
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..");
const SWIFTSHADER = "/usr/lib/chromium/vk_swiftshader_icd.json";
let dir: string;
let bundle: string;
// Only what it sets: nothing of this process's environment (Next's types make NODE_ENV required).
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "catwalk-bundle-"));
  const built = join(dir, "built");
  const r = spawnSync(
    join(ROOT, "node_modules", ".bin", "tsx"),
    ["scripts/gpu-bundle/build.ts", "--fast", `--out=${built}`],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  expect(r.status, r.stderr + r.stdout).toBe(0);
  bundle = join(dir, "moved");
  renameSync(built, bundle);
  // Every tool of the system but Node and npm.
  const bin = join(dir, "path");
  mkdirSync(bin);
  for (const f of readdirSync("/usr/bin")) {
    if (!/^(node|nodejs|npm|npx|corepack)$/.test(f)) symlinkSync(join("/usr/bin", f), join(bin, f));
  }
  env = {
    PATH: `${bin}:/usr/sbin`,
    HOME: dir,
    // The bundled Vulkan loader even though this machine has one: the dpkg -x path runs.
    CATWALK_BUNDLE_OWN_VULKAN: "1",
    ...(existsSync(SWIFTSHADER) ? { VK_ICD_FILENAMES: SWIFTSHADER } : {}),
  } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv;
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the GPU bundle, moved to a machine without Node", () => {
  it("has no node on its PATH, and its README and launcher", () => {
    expect(spawnSync("sh", ["-c", "command -v node npm"], { env }).stdout.toString()).toBe("");
    expect(readFileSync(join(bundle, "README.md"), "utf8")).toMatch(/bin\/node bench\/gpu\.mjs --smoke/);
  });

  it("runs bench/gpu.mjs --smoke: wasm at 1 and 2 threads with our SIMD kernels, webgpu recorded, GPU unmeasured", () => {
    const out = join(dir, "gpu.json");
    const r = spawnSync(
      join(bundle, "bin", "node"),
      [join(bundle, "bench", "gpu.mjs"), "--smoke", "--backends=webgpu,wasm", `--out=${out}`],
      { cwd: dir, env, encoding: "utf8" },
    );
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const result = JSON.parse(readFileSync(out, "utf8"));
    expect(result.kind).toBe("smoke");
    const wasm = result.backends.wasm;
    expect(wasm.present).toBe(true);
    expect(wasm.info.simdKernels.length).toBeGreaterThan(0);
    expect(wasm.machine.cpus).toBeGreaterThan(0);
    for (const preset of ["report-cnn", "report-mlp"]) {
      for (const batch of ["batch32", "batch256"]) {
        expect(wasm.speed[preset][batch].samplesPerSec).toBeGreaterThan(0);
        expect(result.cpu2Threads.speed[preset][batch].samplesPerSec).toBeGreaterThan(0);
      }
    }
    expect(result.backends["wasm (2 threads)"].threads).toBe(2);
    expect(result.cpu2Threads.fullRun.epochs).toBe(1);
    expect(result.cpu2Threads.burst.jobsMeasured).toBe(1);
    const webgpu = result.backends.webgpu;
    if (existsSync(SWIFTSHADER)) {
      // dawn.node loaded from the bundle and found SwiftShader: present, correctness-only.
      expect(webgpu.adapter.software).toBe(true);
      expect(webgpu.status).toBe("software adapter: speed not measured");
    }
    if (!webgpu.present || webgpu.adapter?.software) expect(result.gpu.speed.status).toBe("unmeasured");
    expect(readdirSync(join(bundle, "runtime", "vulkan"), { recursive: true })).toContain(
      join("usr", "lib", "x86_64-linux-gnu", "libvulkan.so.1"),
    );
  }, 120_000);

  it("runs the bundled worker: its supervisor starts the compiled process entry, which gets ready", async () => {
    const workerEnv: NodeJS.ProcessEnv = {
      ...env,
      FASHION_MNIST_DIR: join(bundle, "fixtures", "fashion-mnist"),
      CATWALK_BACKEND: "wasm",
      ...Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) => k === "DATABASE_URL" || k === "AUTH_SECRET" || k.startsWith("CATWALK_"),
        ),
      ),
    };
    const child = spawn(join(bundle, "bin", "catwalk-worker"), [], { cwd: dir, env: workerEnv });
    let log = "";
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "ready" within 60 s:\n${log}`)), 60_000);
      const onData = (chunk: Buffer) => {
        log += chunk;
        if (/\] ready: backend wasm/.test(log)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      void exited.then((code) => reject(new Error(`worker exited (code ${code}):\n${log}`)));
    });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 90_000);
});
