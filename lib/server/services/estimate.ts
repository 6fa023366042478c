import "server-only";
import { parseArchitecture, summarize } from "@/trainer/arch";
import { db } from "../db";

// The submit page's "estimated time per epoch". The trainer's own estimator (trainer/estimate.ts)
// times real steps with tfjs, which cannot run in a page request; this one scales forward FLOPs by
// the throughput recent runs on this platform actually reached (samples/s × FLOPs per sample).

/** Used until this platform has finished a run: tfjs-node on two CPU cores, measured roughly. */
const DEFAULT_FLOPS_PER_SEC = 1.5e9;

export interface Throughput {
  flopsPerSec: number;
  basis: string;
}

let cached: { at: number; value: Throughput } | null = null;

export async function getTrainingThroughput(): Promise<Throughput> {
  if (cached && Date.now() - cached.at < 60_000) return cached.value;
  const rows = await db.result.findMany({
    orderBy: { createdAt: "desc" },
    take: 20,
    select: { history: true, submission: { select: { architecture: true } } },
  });
  const rates: number[] = [];
  for (const row of rows) {
    const parsed = parseArchitecture(row.submission.architecture);
    const history = Array.isArray(row.history) ? (row.history as { samplesPerSec?: number }[]) : [];
    const sps = history.map((h) => h.samplesPerSec).filter((x): x is number => typeof x === "number" && x > 0);
    if (!parsed.ok || sps.length === 0) continue;
    const mean = sps.reduce((a, b) => a + b, 0) / sps.length;
    // A training sample costs ~3× its forward FLOPs.
    rates.push(mean * 3 * summarize(parsed.model).flopsPerSample);
  }
  rates.sort((a, b) => a - b);
  const value: Throughput = rates.length
    ? {
        flopsPerSec: rates[Math.floor(rates.length / 2)]!,
        basis: `scaled from the median throughput of the last ${rates.length} run${rates.length === 1 ? "" : "s"} here`,
      }
    : { flopsPerSec: DEFAULT_FLOPS_PER_SEC, basis: "rough: no run has finished on this platform yet" };
  cached = { at: Date.now(), value };
  return value;
}
