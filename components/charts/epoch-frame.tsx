"use client";
import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { scaleLinear } from "@visx/scale";

// The frame of a per-epoch chart (a submission's learning curves, compare's overlaid runs): its
// size, its scales and its axes, so the charts that plot epochs look and read the same.

export const EPOCH_CHART = { W: 420, H: 220, M: { top: 12, right: 12, bottom: 36, left: 48 } } as const;
const { W, H, M } = EPOCH_CHART;

/**
 * Scales for `values` over epochs 1…`lastEpoch`: accuracies (percent) from a little below their
 * lowest to 1, losses from 0 to a little above their highest.
 */
export function epochScales(values: number[], percent: boolean, lastEpoch: number) {
  const lo = percent ? Math.max(0, Math.min(...values, 1) - 0.05) : 0;
  const hi = percent ? 1 : Math.max(...values, 0.1) * 1.1;
  const x = scaleLinear<number>({ domain: [1, Math.max(2, lastEpoch)], range: [0, W - M.left - M.right] });
  const y = scaleLinear<number>({ domain: [lo, hi], range: [H - M.top - M.bottom, 0], nice: true });
  return { x, y };
}

/** The grid, the value axis and the epoch axis, inside the chart's margin group. */
export function EpochAxes({
  x,
  y,
  percent,
  maxEpochs,
}: {
  x: ReturnType<typeof epochScales>["x"];
  y: ReturnType<typeof epochScales>["y"];
  percent: boolean;
  maxEpochs: number;
}) {
  return (
    <>
      <GridRows scale={y} width={W - M.left - M.right} numTicks={5} stroke="#e2e8f0" />
      <AxisLeft
        scale={y}
        numTicks={5}
        tickFormat={(v) => (percent ? `${Math.round(Number(v) * 100)}%` : Number(v).toFixed(2))}
        tickLabelProps={() => ({ fontSize: 10, fill: "#475569", textAnchor: "end", dx: -2, dy: 3 })}
        stroke="#94a3b8"
        tickStroke="#94a3b8"
      />
      <AxisBottom
        top={H - M.top - M.bottom}
        scale={x}
        numTicks={Math.min(10, Math.max(2, maxEpochs))}
        tickFormat={(v) => (Number.isInteger(Number(v)) ? String(v) : "")}
        label="epoch"
        labelProps={{ fontSize: 10, fill: "#475569", textAnchor: "middle" }}
        tickLabelProps={() => ({ fontSize: 10, fill: "#475569", textAnchor: "middle" })}
        stroke="#94a3b8"
        tickStroke="#94a3b8"
      />
    </>
  );
}
