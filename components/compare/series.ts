// How each compared submission is drawn, the same in every chart and legend: an Okabe–Ito colour
// (distinguishable with every common colour-vision deficiency) and, so colour is never the only
// cue, its own dash pattern and marker.

export interface SeriesStyle {
  color: string;
  /** SVG stroke-dasharray; undefined = solid. */
  dash: string | undefined;
  marker: "circle" | "square" | "triangle" | "diamond";
  /** The pattern in words, for legends read aloud. */
  pattern: string;
}

export const SERIES_STYLES: readonly SeriesStyle[] = [
  { color: "#0072B2", dash: undefined, marker: "circle", pattern: "solid line, circles" },
  { color: "#D55E00", dash: "7 4", marker: "square", pattern: "dashed line, squares" },
  { color: "#009E73", dash: "2 3", marker: "triangle", pattern: "dotted line, triangles" },
  { color: "#CC79A7", dash: "9 3 2 3", marker: "diamond", pattern: "dash-dot line, diamonds" },
];

/** Letters name the compared submissions in headers and charts: A is the first asked for. */
export const letter = (i: number) => String.fromCharCode(65 + i);

/** A signed number with a real minus sign: "+3", "−2", "0". */
export function signed(value: number, digits = 0): string {
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return `${value > 0 ? "+" : "−"}${text}`;
}
