import "server-only";
import { z } from "zod";
import { parseInput } from "../../input";
import type { ClassAnalytics } from "./open";
import { paretoFront } from "./pareto";
import { type AnalyticsPoint, analyticsPoints } from "./points";

export const PARETO_COSTS = ["PARAMS", "FLOPS", "TRAINING_TIME"] as const;
export type ParetoCost = (typeof PARETO_COSTS)[number];

const costOf: Record<ParetoCost, (p: AnalyticsPoint) => number | null> = {
  PARAMS: (p) => p.paramCount,
  FLOPS: (p) => p.flops,
  TRAINING_TIME: (p) => p.trainDurationMs,
};

export const paretoInputSchema = z.object({ cost: z.enum(PARETO_COSTS).default("PARAMS") });

/**
 * The runs on the class's Pareto front of accuracy against one cost, cheapest first: no statement
 * of its own, computed from the points (read once per request). Runs whose cost is unknown (an
 * architecture that no longer parses has no FLOPs) are left out.
 */
export async function analyticsParetoFront(analytics: ClassAnalytics, input: unknown = {}): Promise<AnalyticsPoint[]> {
  const { cost } = parseInput(paretoInputSchema, input ?? {});
  const points = await analyticsPoints(analytics);
  const of = costOf[cost];
  const front = paretoFront(points.map((p) => ({ cost: of(p) ?? Number.NaN, accuracy: p.accuracy })));
  return front.map((i) => points[i]!);
}
