// `npx tsx bench/browser-inference.ts [--runs 50] [--preset report-cnn]` (part of npm run
// bench:models): how long one Try-it prediction takes in Chromium, per tfjs backend, for the
// course report's CNN. The page runs OUR code (components/model/backend.ts, inference.ts and
// preprocess.ts, transpiled as they are) on tfjs's own browser bundles, on a model stored the way
// the platform stores one (bench/browser-model.ts). Each run draws a new random stroke on a
// 280×280 canvas, preprocesses it and predicts: the time is preprocessing + predict() (upload,
// forward pass, read-back), i.e. what one stroke costs. Writes bench/results/browser-inference.json.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import ts from "typescript";
import { saveTrainedModel } from "./browser-model";

const { values } = parseArgs({ options: { runs: { type: "string" }, preset: { type: "string" } } });
const RUNS = Number(values.runs ?? 50);
const PRESET = values.preset ?? "report-cnn";
const ROOT = join(import.meta.dirname, "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TFJS = join(ROOT, "node_modules/@tensorflow/tfjs/dist/tf.min.js");
const WASM_DIR = join(ROOT, "node_modules/@tensorflow/tfjs-backend-wasm/dist");

const modelDir = join(tmpdir(), `catwalk-browser-bench-${process.pid}`);
const saved = await saveTrainedModel(modelDir, PRESET, 2);
console.log(`model: ${PRESET}, ${saved.paramCount} parameters, fixture test accuracy ${saved.testAccuracy}`);

/** Our browser modules as the browser runs them: TypeScript stripped, imports left as they are. */
function transpiled(name: string): string {
  const source = readFileSync(join(ROOT, "components/model", `${name}.ts`), "utf8");
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title>
<script src="/tf.min.js"></script><script src="/wasm/tf-backend-wasm.min.js"></script>
<canvas id="pad" width="280" height="280"></canvas>`;

const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost");
  const send = (body: string | Buffer, type: string) => {
    response.writeHead(200, { "content-type": type });
    response.end(body);
  };
  try {
    if (url.pathname === "/") return send(PAGE, "text/html");
    if (url.pathname === "/tf.min.js") return send(readFileSync(TFJS), "text/javascript");
    if (url.pathname.startsWith("/wasm/")) {
      const file = url.pathname.slice(6);
      return send(readFileSync(join(WASM_DIR, file)), file.endsWith(".wasm") ? "application/wasm" : "text/javascript");
    }
    if (url.pathname === "/bench-page")
      return send(readFileSync(join(import.meta.dirname, "browser-inference-page.js")), "text/javascript");
    if (url.pathname.startsWith("/m/")) return send(transpiled(url.pathname.slice(3)), "text/javascript");
    if (url.pathname.startsWith("/model/"))
      return send(readFileSync(join(modelDir, url.pathname.slice(7))), "application/octet-stream");
  } catch {
    // fall through to 404
  }
  response.writeHead(404);
  response.end();
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  // As playwright.config.ts runs the e2e tests (headless, no GPU).
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const page = await browser.newPage();
await page.goto(origin);

interface BackendResult {
  backend: string;
  ok: boolean;
  reason?: string;
  runs?: number;
  /** preprocessing + predict, per stroke */
  medianMs?: number;
  p90Ms?: number;
  /** predict() alone */
  predictMedianMs?: number;
  preprocessMedianMs?: number;
  loadMs?: number;
}

// The in-page half is plain JavaScript served as a module (./browser-inference-page.js): a function
// compiled here would carry tsx's helpers, which the page doesn't have.
const measured = (await page.evaluate(`import("/bench-page").then((page) => page.run({ runs: ${RUNS} }))`)) as {
  picked: { name: string };
  softwareWebGl: string | null;
  results: BackendResult[];
  userAgent: string;
};
await browser.close();
server.close();

/** Chromium coarsens performance.now() to 0.1 ms on pages that are not cross-origin isolated. */
const round = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 100) / 100);
for (const r of measured.results) {
  for (const key of ["medianMs", "p90Ms", "predictMedianMs", "preprocessMedianMs", "loadMs"] as const)
    r[key] = round(r[key]);
}
const chosen = measured.results.find((r) => r.backend === measured.picked.name);
const output = {
  date: new Date().toISOString(),
  method:
    "Chromium headless (playwright.config.ts flags), components/model/{backend,inference,preprocess}.ts on tfjs's browser bundles; per run a new stroke on a 280×280 canvas → preprocess → predict; median over the runs after 5 warm-up runs; timer resolution 0.1 ms (no cross-origin isolation). Each backend forced in turn; `picked` is what the page chooses.",
  chromium: execFileSync(CHROMIUM, ["--version"], { encoding: "utf8" }).trim(),
  tfjs: JSON.parse(readFileSync(join(ROOT, "node_modules/@tensorflow/tfjs/package.json"), "utf8")).version,
  model: { preset: PRESET, params: saved.paramCount },
  runs: RUNS,
  targetMs: 20,
  /** What the Try-it page picks in this browser, and why it skipped the others. */
  picked: measured.picked,
  softwareWebGl: measured.softwareWebGl,
  pickedMedianMs: chosen?.medianMs ?? null,
  meetsTarget: chosen?.medianMs !== undefined ? chosen.medianMs < 20 : null,
  backends: measured.results,
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(join(ROOT, "bench/results/browser-inference.json"), `${JSON.stringify(output, null, 2)}\n`);
console.log(JSON.stringify(output, null, 2));
