import type { SeriesStyle } from "./series";

/** A series' marker at (x, y): the shape tells the series apart without its colour. */
export function Marker({ style, x, y, size = 3.5 }: { style: SeriesStyle; x: number; y: number; size?: number }) {
  const common = { fill: style.color, stroke: "#fff", strokeWidth: 1 };
  switch (style.marker) {
    case "circle":
      return <circle cx={x} cy={y} r={size} {...common} />;
    case "square":
      return <rect x={x - size} y={y - size} width={size * 2} height={size * 2} {...common} />;
    case "triangle":
      return (
        <polygon
          points={`${x},${y - size * 1.2} ${x + size * 1.1},${y + size} ${x - size * 1.1},${y + size}`}
          {...common}
        />
      );
    case "diamond":
      return (
        <polygon
          points={`${x},${y - size * 1.3} ${x + size},${y} ${x},${y + size * 1.3} ${x - size},${y}`}
          {...common}
        />
      );
  }
}

/** A short line in the series' style with its marker: the legend's swatch. */
export function Swatch({ style }: { style: SeriesStyle }) {
  return (
    <svg width="30" height="12" aria-hidden className="shrink-0">
      <line x1="1" x2="29" y1="6" y2="6" stroke={style.color} strokeWidth="2.5" strokeDasharray={style.dash} />
      <Marker style={style} x={15} y={6} />
    </svg>
  );
}
