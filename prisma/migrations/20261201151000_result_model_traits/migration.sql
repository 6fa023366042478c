-- Class analytics (lib/server/services/analytics) plots every run against its forward FLOPs and
-- its architecture's depth and dropout. Those come from parsing the architecture, which costs
-- about 0.1 ms a run: 0.4 s for a class of 4,000 runs on every request. The worker stores them
-- with the result (it has just parsed the architecture); rows scored before this migration keep
-- NULL and the analytics service parses their architecture instead (points.ts).
ALTER TABLE "Result" ADD COLUMN "flops" DOUBLE PRECISION;
ALTER TABLE "Result" ADD COLUMN "depth" INTEGER;
ALTER TABLE "Result" ADD COLUMN "maxDropout" DOUBLE PRECISION;
ALTER TABLE "Result" ADD CONSTRAINT "Result_traits_range"
  CHECK (("flops" IS NULL OR "flops" >= 0) AND ("depth" IS NULL OR "depth" >= 0)
    AND ("maxDropout" IS NULL OR ("maxDropout" >= 0 AND "maxDropout" < 1)));
