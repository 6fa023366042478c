// Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm), loaded by hand.

import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the engine's panic hook leaves the panic message before it traps; without it a panic
 * shows only as "unreachable". Read by the RPC server and the process's last-resort handler.
 */
export const panicRegistry = {
  message: undefined,
  set_message(message) {
    this.message = message;
  },
};

// The package's entry imports the .wasm file as an ES module, which needs Node's experimental
// wasm-modules support; instantiating it here works on any Node.

export async function loadWasmEngine() {
  // The engine's panic hook reports the panic message here before trapping.
  globalThis.PRISMA_WASM_PANIC_REGISTRY = panicRegistry;
  const bindings = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const packageDir = dirname(fileURLToPath(import.meta.resolve("@prisma/schema-engine-wasm")));
  const bytes = await readFile(join(packageDir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bindings });
  bindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return bindings;
}
