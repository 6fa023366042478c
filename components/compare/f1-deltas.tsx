import { CLASS_NAMES } from "@/trainer/arch";
import { signed } from "./series";

// Per-class F1 of one run minus the base's, as bars either side of zero: better to the right in
// Okabe–Ito blue, worse to the left in vermillion, each with its signed value and an arrow in text.

const BETTER = "#0072B2";
const WORSE = "#D55E00";
const ROW = 22;
const LABEL = 110;
const VALUE = 64;
const HALF = 150;

export function F1Deltas({ deltas, caption, testId }: { deltas: number[]; caption: string; testId: string }) {
  const max = Math.max(0.01, ...deltas.map(Math.abs));
  const width = LABEL + HALF * 2 + VALUE;
  const height = ROW * deltas.length + 8;
  const zero = LABEL + HALF;
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 text-sm font-medium">{caption}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="h-auto w-full max-w-xl"
        role="img"
        aria-label={`${caption}: ${deltas.map((d, c) => `${CLASS_NAMES[c]} ${signed(d, 3)}`).join(", ")}`}
        data-testid={testId}
      >
        <line x1={zero} x2={zero} y1={0} y2={height} stroke="#64748b" />
        {deltas.map((d, c) => {
          const w = (Math.abs(d) / max) * HALF;
          const y = c * ROW + 4;
          const up = d > 0;
          return (
            <g key={CLASS_NAMES[c]} data-testid={`${testId}-bar-${c}`} data-value={d.toFixed(4)}>
              <text x={LABEL - 8} y={y + ROW / 2 + 1} fontSize={11} textAnchor="end" fill="#334155">
                {CLASS_NAMES[c]}
              </text>
              <rect
                x={up ? zero : zero - w}
                y={y + 3}
                width={Math.max(w, d === 0 ? 0 : 1)}
                height={ROW - 8}
                fill={up ? BETTER : WORSE}
                rx={2}
              />
              <text
                x={width - 4}
                y={y + ROW / 2 + 1}
                fontSize={11}
                textAnchor="end"
                fill="#0f172a"
                className="tabular-nums"
              >
                {d === 0 ? "0.000" : `${up ? "▲" : "▼"} ${signed(d, 3)}`}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
