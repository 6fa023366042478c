"use client";
import { scaleLinear } from "@visx/scale";
import { useId } from "react";
import { CLASS_NAMES } from "@/trainer/arch";
import { useGridFocus } from "../charts/use-grid-focus";
import { signed } from "./series";

// Confusion matrices for comparing: each run's counts on a sequential scale, and the difference of
// two on a diverging one centred on zero. Both are grids the arrow keys move through, each cell
// named in full for screen readers, and every cell prints its number: colour is never the only cue.

/** ColorBrewer Blues, as the submission page's matrix (share of the true class's row). */
const BLUES = ["#f7fbff", "#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"];
const BLUE_STOPS = [0, 0.01, 0.05, 0.2, 0.6, 1];
/** ColorBrewer PuOr (purple = fewer images than the base, orange = more): safe for colour-blind readers. */
const PUOR = ["#542788", "#998ec3", "#d8daeb", "#f7f7f7", "#fee0b6", "#f1a340", "#b35806"];

const SHORT = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"];

interface Cell {
  text: string;
  fill: string;
  dark: boolean;
  label: string;
}

function Grid({ cells, cell, caption, testId }: { cells: Cell[][]; cell: number; caption: string; testId: string }) {
  const { focus, setFocus, cellRef, onMoveKey } = useGridFocus();
  const captionId = useId();
  const margin = { top: 70, left: 70 };
  const size = cell * 10;
  return (
    <figure className="min-w-0">
      <figcaption id={captionId} className="mb-1 text-sm font-medium">
        {caption}
      </figcaption>
      <svg
        viewBox={`0 0 ${size + margin.left + 4} ${size + margin.top + 4}`}
        className="h-auto w-full max-w-[30rem]"
        role="grid"
        aria-labelledby={captionId}
        data-testid={testId}
      >
        <g transform={`translate(${margin.left}, ${margin.top})`}>
          {SHORT.map((name, i) => (
            <text
              key={`col-${name}`}
              transform={`translate(${i * cell + cell / 2 + 3}, -6) rotate(-50)`}
              fontSize={10}
              fill="#334155"
              aria-hidden
            >
              {name}
            </text>
          ))}
          {SHORT.map((name, i) => (
            <text
              key={`row-${name}`}
              x={-6}
              y={i * cell + cell / 2 + 3}
              fontSize={10}
              textAnchor="end"
              fill="#334155"
              aria-hidden
            >
              {name}
            </text>
          ))}
          {cells.map((row, t) => (
            <g key={CLASS_NAMES[t]} role="row">
              {row.map((c, p) => (
                <g
                  key={CLASS_NAMES[p]}
                  role="gridcell"
                  aria-label={c.label}
                  tabIndex={focus[0] === t && focus[1] === p ? 0 : -1}
                  ref={cellRef(t, p)}
                  onKeyDown={(e) => onMoveKey(e, t, p)}
                  onFocus={() => setFocus([t, p])}
                  className="outline-none [&:focus-visible>rect]:stroke-fuchsia-600 [&:focus-visible>rect]:stroke-[3]"
                  data-testid={`${testId}-cell-${t}-${p}`}
                  data-value={c.text}
                >
                  <title>{c.label}</title>
                  <rect
                    x={p * cell + 1}
                    y={t * cell + 1}
                    width={cell - 2}
                    height={cell - 2}
                    rx={2}
                    fill={c.fill}
                    stroke={t === p ? "#0f172a" : "none"}
                    strokeWidth={t === p ? 1 : 0}
                  />
                  <text
                    x={p * cell + cell / 2}
                    y={t * cell + cell / 2 + 3.5}
                    textAnchor="middle"
                    fontSize={c.text.length > 4 ? 8.5 : 10}
                    fill={c.dark ? "#ffffff" : "#0f172a"}
                    className="pointer-events-none tabular-nums"
                  >
                    {c.text}
                  </text>
                </g>
              ))}
            </g>
          ))}
        </g>
      </svg>
    </figure>
  );
}

/** One run's confusion matrix: counts, coloured by the share of the true class's row. */
export function CountMatrix({ matrix, caption, testId }: { matrix: number[][]; caption: string; testId: string }) {
  const color = scaleLinear<string>({ domain: BLUE_STOPS, range: BLUES });
  const cells = matrix.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, p) => {
      const share = total ? count / total : 0;
      return {
        text: String(count),
        fill: color(share),
        dark: share > 0.12,
        label: `True ${CLASS_NAMES[t]}, predicted ${CLASS_NAMES[p]}: ${count} images, ${(share * 100).toFixed(1)} % of ${CLASS_NAMES[t]}`,
      };
    });
  });
  return <Grid cells={cells} cell={34} caption={caption} testId={testId} />;
}

/**
 * Other − base per cell, on PuOr centred at zero (symmetric, so equal changes look equally strong
 * either way). On the diagonal more is better, off it more is worse; the legend says so.
 */
export function DifferenceMatrix({
  base,
  other,
  difference,
  baseName,
  otherName,
  caption,
  testId,
}: {
  base: number[][];
  other: number[][];
  difference: number[][];
  baseName: string;
  otherName: string;
  caption: string;
  testId: string;
}) {
  const max = Math.max(1, ...difference.flat().map(Math.abs));
  const color = scaleLinear<string>({
    domain: [-1, -0.5, -0.15, 0, 0.15, 0.5, 1].map((d) => d * max),
    range: PUOR,
  });
  const cells = difference.map((row, t) =>
    row.map((d, p) => ({
      text: signed(d),
      fill: color(d),
      dark: Math.abs(d) / max > 0.5,
      label: `True ${CLASS_NAMES[t]}, predicted ${CLASS_NAMES[p]}: ${baseName} ${base[t]![p]}, ${otherName} ${other[t]![p]}, difference ${signed(d)}${d === 0 ? "" : t === p ? (d > 0 ? " (more correct)" : " (fewer correct)") : d > 0 ? " (more mistakes)" : " (fewer mistakes)"}`,
    })),
  );
  return (
    <div>
      <Grid cells={cells} cell={40} caption={caption} testId={testId} />
      <div className="mt-1 flex items-center gap-2 text-xs text-slate-600" aria-hidden>
        <span>fewer</span>
        <span className="flex">
          {PUOR.map((c) => (
            <span key={c} className="h-3 w-5" style={{ background: c }} />
          ))}
        </span>
        <span>more images than the base (±{max})</span>
      </div>
    </div>
  );
}
