import type { Metadata } from "next";
import Link from "next/link";
import { type AnalyticsData, AnalyticsView } from "@/components/analytics/analytics-view";
import type { PlotPoint } from "@/components/analytics/types";
import { Card, PageHeader } from "@/components/ui";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { analyticsByDay } from "@/lib/server/services/analytics/by-day";
import { analyticsConfusedPairs } from "@/lib/server/services/analytics/confused-pairs";
import { openClassAnalytics } from "@/lib/server/services/analytics/open";
import { analyticsParetoFront } from "@/lib/server/services/analytics/pareto-front";
import type { AnalyticsPoint } from "@/lib/server/services/analytics/points";
import { analyticsPoints } from "@/lib/server/services/analytics/points";
import { getClass } from "@/lib/server/services/classes";

export const metadata: Metadata = { title: "Class analytics" };

/**
 * Class analytics: the access check, then the points (shared by the three Pareto fronts), the
 * days and the confused pairs, one statement each. Which view shows is the URL's business
 * (components/analytics/url-state.ts), read on the client.
 */
export default async function ClassAnalyticsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const viewer = await requirePageViewer(`/classes/${slug}/analytics`);
  const [klass, analytics] = await Promise.all([
    loadForPage(() => getClass(viewer, slug)),
    loadForPage(() => openClassAnalytics(viewer, { classSlug: slug })),
  ]);
  const [points, paramsFront, flops, time, days, confused] = await Promise.all([
    analyticsPoints(analytics),
    analyticsParetoFront(analytics, { cost: "PARAMS" }),
    analyticsParetoFront(analytics, { cost: "FLOPS" }),
    analyticsParetoFront(analytics, { cost: "TRAINING_TIME" }),
    analyticsByDay(analytics),
    analyticsConfusedPairs(analytics, { limit: 10 }),
  ]);
  const key = new Map(points.map((p, i) => [p, i]));
  const plain = (p: AnalyticsPoint): PlotPoint => ({
    key: key.get(p)!,
    submissionId: p.submissionId,
    submissionName: p.submissionName,
    who: p.who,
    mine: p.mine,
    accuracy: p.accuracy,
    paramCount: p.paramCount,
    flops: p.flops,
    trainDurationMs: p.trainDurationMs,
    optimizer: p.optimizer,
    learningRate: p.learningRate,
    batchSize: p.batchSize,
    epochs: p.epochs,
    depth: p.depth,
    maxDropout: p.maxDropout,
  });
  const data: AnalyticsData = {
    points: points.map(plain),
    fronts: { params: paramsFront.map(plain), flops: flops.map(plain), time: time.map(plain) },
    days,
    confused: {
      pairs: confused.pairs.map(({ trueName, predictedName, count }) => ({ trueName, predictedName, count })),
      runs: confused.runs,
      runsWithoutPredictions: confused.runsWithoutPredictions,
    },
    scope: analytics.scope,
    showsNames: analytics.showsNames,
  };
  return (
    <>
      <PageHeader
        title="Class analytics"
        subtitle={
          <Link href={`/classes/${slug}`} className="text-brand-700 hover:underline">
            ← {klass.name}
          </Link>
        }
      />
      <Card>
        <AnalyticsView data={data} />
      </Card>
    </>
  );
}
