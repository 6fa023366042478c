// What the analytics page hands its charts: the services' views, made plain for the client.

export interface PlotPoint {
  /** Stable within one page: the index in the class's runs, oldest first. */
  key: number;
  submissionId: string | null;
  submissionName: string | null;
  who: string;
  mine: boolean;
  accuracy: number;
  paramCount: number;
  flops: number | null;
  trainDurationMs: number;
  optimizer: string;
  learningRate: number;
  batchSize: number;
  epochs: number;
  depth: number | null;
  maxDropout: number | null;
}

export interface PlotDay {
  day: string;
  runs: number;
  best: number;
  median: number;
  bestSoFar: number;
}

export interface PlotPair {
  trueName: string;
  predictedName: string;
  count: number;
}

export type Scope = "FULL_TEST_SET" | "PUBLIC_HALF";

/** "Ada · cnn-3" or "Student 4": who, and the run's name where the viewer may see it. */
export const runLabel = (p: Pick<PlotPoint, "who" | "submissionName">) =>
  p.submissionName ? `${p.who} · ${p.submissionName}` : p.who;
