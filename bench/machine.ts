import { cpus, loadavg } from "node:os";

/** The machine a benchmark ran on, as its results file records it. */
export function machineInfo() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    loadavg1m: Math.round(loadavg()[0]! * 100) / 100,
    node: process.version,
  };
}
