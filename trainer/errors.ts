/**
 * The trainer's single error type. The queue worker decides retry vs fail from `code` alone,
 * so the set is closed and each code has one meaning:
 * - INVALID_ARCHITECTURE / INVALID_CONFIG: the submission is wrong; never retry.
 * - DATA_UNAVAILABLE / BACKEND_UNAVAILABLE: the machine is wrong; retry elsewhere or later.
 * - DIVERGED: training produced NaN/Inf loss; a property of the submission, never retry.
 * - CANCELLED: someone asked to stop; not a failure of the submission.
 * - INTERNAL: a bug in the trainer; retry once, then report.
 */
const TRAINER_ERROR_CODES = [
  "INVALID_ARCHITECTURE",
  "INVALID_CONFIG",
  "DATA_UNAVAILABLE",
  "BACKEND_UNAVAILABLE",
  "DIVERGED",
  "CANCELLED",
  "INTERNAL",
] as const;
export type TrainerErrorCode = (typeof TRAINER_ERROR_CODES)[number];

export class TrainerError extends Error {
  readonly code: TrainerErrorCode;
  readonly details: unknown;
  constructor(code: TrainerErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "TrainerError";
    this.code = code;
    this.details = details;
  }
  /** Whether a queue should try the same job again. */
  get retryable(): boolean {
    return this.code === "DATA_UNAVAILABLE" || this.code === "BACKEND_UNAVAILABLE" || this.code === "INTERNAL";
  }
}
