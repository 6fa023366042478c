// The shim's two output channels. stdout carries only JSON-RPC; everything human goes to stderr
// as JSON lines in the shape the CLI parses (`fields.message`, `level`, `target`).

export function writeStdout(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

export function logLine(level, message, extra = {}) {
  const line = {
    timestamp: new Date().toISOString(),
    level,
    fields: { message, ...extra },
    target: "schema_engine::logger",
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}
