/** A per-sample shape (no batch axis), channels-last, as Keras and tfjs-layers use it. */
export type Shape = number[];

/** Keras's way of printing a shape with its batch axis: (None, 28, 28, 1). */
export const fmt = (s: (number | null)[]) =>
  `(${["None", ...s.map((d) => (d === null ? "None" : String(d)))].join(", ")})`;

export const prod = (s: Shape) => s.reduce((a, b) => a * b, 1);
