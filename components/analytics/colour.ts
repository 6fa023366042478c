// Viridis (matplotlib's perceptually uniform, colour-blind-safe sequential map), sampled at nine
// stops and interpolated in sRGB: close enough at this size, and no colour library to load.
const VIRIDIS = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"];

const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));

/** The viridis colour at t in [0, 1] (clamped). */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const [a, b] = [rgb(VIRIDIS[i]!), rgb(VIRIDIS[i + 1]!)];
  const mix = a.map((v, k) => Math.round(v + (b[k]! - v) * (x - i)));
  return `rgb(${mix.join(",")})`;
}

/** Okabe–Ito, for categories: the class's runs, your own, the Pareto front. */
export const OKABE_ITO = { blue: "#0072B2", orange: "#E69F00", vermillion: "#D55E00", grey: "#999999" } as const;
