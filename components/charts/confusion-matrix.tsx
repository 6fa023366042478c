"use client";
import { AxisLeft, AxisTop } from "@visx/axis";
import { Group } from "@visx/group";
import { HeatmapRect } from "@visx/heatmap";
import { scaleBand, scaleLinear } from "@visx/scale";
import { type KeyboardEvent, useId, useMemo, useState } from "react";
import { CLASS_NAMES } from "@/trainer/arch";
import { cx } from "../ui";
import { useGridFocus } from "./use-grid-focus";

// ColorBrewer "Blues": single-hue sequential, readable with every colour-vision deficiency and in
// grayscale. The domain stretches the low end so that a 2 % confusion is already visible.
const BLUES = ["#f7fbff", "#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"];
const STOPS = [0, 0.01, 0.05, 0.2, 0.6, 1];

interface Bin {
  predicted: number;
  count: number;
  share: number;
}
interface Column {
  trueLabel: number;
  bins: Bin[];
}

const CELL = 44;
const MARGIN = { top: 96, left: 96, right: 56, bottom: 8 };

export function ConfusionMatrix({
  matrix,
  selected,
  onSelect,
}: {
  matrix: number[][];
  selected: { trueLabel: number; predicted: number } | null;
  onSelect: (cell: { trueLabel: number; predicted: number }) => void;
}) {
  const [show, setShow] = useState<"count" | "percent">("count");
  const { focus, setFocus, cellRef, onMoveKey } = useGridFocus();
  const descId = useId();

  // visx's heatmap is column-major: one column per true class here, transposed into rows on draw.
  const columns: Column[] = useMemo(
    () =>
      matrix.map((row, t) => {
        const total = row.reduce((a, b) => a + b, 0);
        return {
          trueLabel: t,
          bins: row.map((count, p) => ({ predicted: p, count, share: total ? count / total : 0 })),
        };
      }),
    [matrix],
  );
  const size = CELL * 10;
  const band = scaleBand<string>({ domain: [...CLASS_NAMES], range: [0, size] });
  const color = scaleLinear<string>({ domain: STOPS, range: BLUES });

  const onKey = (e: KeyboardEvent, r: number, c: number) => {
    if (onMoveKey(e, r, c)) return;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onSelect({ trueLabel: r, predicted: c });
    }
  };

  return (
    <div>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <p id={descId} className="text-xs text-slate-500">
          Rows: true class · columns: predicted class · colour: share of the row. Click a cell (or use the arrow keys
          and Enter) to see its images.
        </p>
        <div
          role="radiogroup"
          aria-label="Numbers in the cells"
          className="flex overflow-hidden rounded-md text-xs ring-1 ring-slate-300"
        >
          {(["count", "percent"] as const).map((v) => (
            <button
              key={v}
              type="button"
              role="radio"
              aria-checked={show === v}
              onClick={() => setShow(v)}
              className={cx(
                "px-2.5 py-1",
                show === v ? "bg-brand-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50",
              )}
            >
              {v === "count" ? "Counts" : "Row %"}
            </button>
          ))}
        </div>
      </div>
      <svg
        viewBox={`0 0 ${size + MARGIN.left + MARGIN.right} ${size + MARGIN.top + MARGIN.bottom}`}
        className="h-auto w-full max-w-[36rem]"
        role="grid"
        aria-label="Confusion matrix"
        aria-describedby={descId}
        data-testid="confusion-matrix"
      >
        <Group top={MARGIN.top} left={MARGIN.left}>
          <AxisTop
            scale={band}
            hideAxisLine
            hideTicks
            tickLabelProps={() => ({ fontSize: 11, fill: "#334155", textAnchor: "start", angle: -45, dx: 4, dy: -2 })}
          />
          <text x={size / 2} y={-82} fontSize={12} textAnchor="middle" fill="#64748b">
            Predicted
          </text>
          <AxisLeft
            scale={band}
            hideAxisLine
            hideTicks
            tickLabelProps={() => ({ fontSize: 11, fill: "#334155", textAnchor: "end", dx: -4, dy: 4 })}
          />
          <text transform={`translate(-84, ${size / 2}) rotate(-90)`} fontSize={12} textAnchor="middle" fill="#64748b">
            True
          </text>
          <HeatmapRect<Column, Bin>
            data={columns}
            xScale={(i) => i * CELL}
            yScale={(i) => i * CELL}
            binWidth={CELL}
            binHeight={CELL}
            gap={2}
            bins={(column) => column.bins}
            count={(bin) => bin.share}
            colorScale={color}
          >
            {(heatmap) =>
              // heatmap[column = true class][row = predicted]: draw true classes as rows.
              heatmap.map((col, t) => (
                <g key={CLASS_NAMES[t]} role="row">
                  {col.map((cell, p) => {
                    const bin = cell.bin;
                    const isSelected = selected?.trueLabel === t && selected.predicted === p;
                    const label = `True ${CLASS_NAMES[t]}, predicted ${CLASS_NAMES[p]}: ${bin.count} images, ${(bin.share * 100).toFixed(1)} % of ${CLASS_NAMES[t]}`;
                    return (
                      <g
                        key={CLASS_NAMES[p]}
                        role="gridcell"
                        aria-label={label}
                        aria-selected={isSelected}
                        tabIndex={focus[0] === t && focus[1] === p ? 0 : -1}
                        ref={cellRef(t, p)}
                        onClick={() => {
                          setFocus([t, p]);
                          onSelect({ trueLabel: t, predicted: p });
                        }}
                        onKeyDown={(e) => onKey(e, t, p)}
                        className="cursor-pointer outline-none [&:focus-visible>rect]:stroke-fuchsia-600 [&:focus-visible>rect]:stroke-[3]"
                        data-testid={`cm-cell-${t}-${p}`}
                      >
                        <title>{label}</title>
                        <rect
                          x={cell.y}
                          y={cell.x}
                          width={cell.width}
                          height={cell.height}
                          fill={cell.color}
                          rx={3}
                          stroke={isSelected ? "#c026d3" : t === p ? "#0f172a" : "none"}
                          strokeWidth={isSelected ? 3 : t === p ? 1 : 0}
                        />
                        <text
                          x={cell.y + cell.width / 2}
                          y={cell.x + cell.height / 2 + 4}
                          textAnchor="middle"
                          fontSize={show === "count" && bin.count >= 1000 ? 10 : 12}
                          fill={bin.share > 0.12 ? "#ffffff" : "#0f172a"}
                          className="pointer-events-none tabular-nums"
                        >
                          {show === "count"
                            ? bin.count
                            : bin.share === 0
                              ? "0"
                              : (bin.share * 100).toFixed(bin.share < 0.1 ? 1 : 0)}
                        </text>
                      </g>
                    );
                  })}
                </g>
              ))
            }
          </HeatmapRect>
        </Group>
      </svg>
    </div>
  );
}
