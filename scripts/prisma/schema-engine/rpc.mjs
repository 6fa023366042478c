// The JSON-RPC server the CLI talks to: each request answered by the wasm engine's method of the
// same name (trap 4 of schema-engine.mjs handled on the way), its errors in the shape the CLI
// presents.

import { createInterface } from "node:readline";
import { writeStdout } from "./output.mjs";
import { panicRegistry } from "./wasm.mjs";

/** Methods whose CLI name differs from the wasm engine's. */
const METHOD_ALIASES = { getDatabaseVersion: "version" };

/** The wasm engine throws user-facing errors as JSON strings; recover their structure. */
function rpcErrorFrom(error) {
  if (error instanceof WebAssembly.RuntimeError && panicRegistry.message !== undefined) {
    const message = panicRegistry.message;
    panicRegistry.message = undefined;
    return {
      code: 4466,
      message: "The schema engine panicked.",
      data: { is_panic: true, message, meta: { full_error: message }, error_code: undefined, backtrace: error.stack },
    };
  }
  const raw = error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error);
  let parsed;
  try {
    parsed = typeof error === "object" && error !== null && !(error instanceof Error) ? error : JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const data =
    parsed && typeof parsed === "object"
      ? {
          is_panic: Boolean(parsed.is_panic),
          message: parsed.message ?? raw,
          meta: parsed.meta ?? null,
          error_code: parsed.error_code ?? undefined,
          backtrace: parsed.backtrace ?? undefined,
        }
      : { is_panic: false, message: raw, meta: null };
  return { code: 4466, message: "An error happened. Check the data field for details.", data };
}

export class RpcServer {
  pendingPrints = new Map();
  nextOutgoingId = 1;

  constructor(engine) {
    this.engine = engine;
  }

  /** Sends a `print` request to the CLI (it writes the content to its own stdout) and waits for the ack. */
  print(content) {
    const id = `shim-print-${this.nextOutgoingId++}`;
    return new Promise((resolve) => {
      this.pendingPrints.set(id, resolve);
      writeStdout({ jsonrpc: "2.0", method: "print", params: { content }, id });
    });
  }

  async call(method, params) {
    const name = METHOD_ALIASES[method] ?? method;
    if (typeof this.engine[name] !== "function") {
      throw JSON.stringify({ message: `Method not supported by the wasm schema engine: ${method}`, is_panic: false });
    }
    if (method === "createMigration" || method === "evaluateDataLoss") {
      // Trap 4: the wasm engine wires up its shadow database during diagnoseMigrationHistory.
      await this.engine.diagnoseMigrationHistory({
        migrationsList: params.migrationsList,
        optInToShadowDatabase: true,
        filters: params.filters ?? { externalTables: [], externalEnums: [] },
      });
    }
    if (method === "diff") {
      const result = await this.engine.diff(params);
      if (result.stdout !== null && result.stdout !== undefined) await this.print(result.stdout);
      return { exitCode: result.exitCode };
    }
    const result = await this.engine[name](params ?? undefined);
    return result === undefined ? {} : result;
  }

  async handleLine(line) {
    if (!line.trim()) return;
    const message = safeParse(line);
    if (message === undefined) {
      writeStdout({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
      return;
    }
    if (message.method === undefined && this.pendingPrints.has(message.id)) {
      this.pendingPrints.get(message.id)();
      this.pendingPrints.delete(message.id);
      return;
    }
    try {
      const result = await this.call(message.method, message.params);
      writeStdout({ jsonrpc: "2.0", id: message.id, result });
    } catch (error) {
      writeStdout({ jsonrpc: "2.0", id: message.id, error: rpcErrorFrom(error) });
    }
  }

  async serve() {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    // Requests are handled one at a time, in order: the engine is single-threaded and the CLI
    // never pipelines, but a `print` acknowledgement must get through while a request waits.
    let queue = Promise.resolve();
    for await (const line of lines) {
      const parsed = safeParse(line);
      if (parsed && parsed.method === undefined && this.pendingPrints.has(parsed.id)) {
        await this.handleLine(line);
      } else {
        queue = queue.then(() => this.handleLine(line));
      }
    }
    await queue;
  }
}

function safeParse(line) {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
