// The GPU a run trained on, as the WebGPU adapter reports it: stored with the result
// (Result.adapter) and shown wherever the backend is. Browser-safe (re-exported by
// @/trainer/arch), so the web server reads stored values with the same schema and label.
import { z } from "zod";

export const gpuAdapterSchema = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  /** A CPU implementation of WebGPU (SwiftShader): correct, but no faster than the CPU. */
  software: z.boolean(),
});
export type GpuAdapter = z.output<typeof gpuAdapterSchema>;

/** "nvidia hopper (NVIDIA H200)", with ", software" for a software adapter. */
export function adapterLabel(a: Pick<GpuAdapter, "vendor" | "architecture" | "description" | "software">): string {
  const name = [a.vendor, a.architecture].filter(Boolean).join(" ") || "unknown adapter";
  return `${name}${a.description ? ` (${a.description})` : ""}${a.software ? ", software" : ""}`;
}
