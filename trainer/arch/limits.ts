// The default budgets of one architecture: the single definition (the web server's limits
// default to these too).

export interface ParseOptions {
  maxParams?: number;
  maxFlops?: number;
  maxJsonBytes?: number;
  maxDepth?: number;
  maxLayers?: number;
}

export const DEFAULT_LIMITS = {
  maxParams: 5_000_000,
  /** Forward FLOPs per sample; 200 M is ~100× the report's CNN, ~hours per epoch on 2 CPU cores. */
  maxFlops: 200_000_000,
  maxJsonBytes: 1_000_000,
  maxDepth: 32,
  maxLayers: 200,
} as const;

export type Limits = Required<ParseOptions>;
