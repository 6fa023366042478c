// The one error carrier of architecture parsing. Every stage (parse/) and every layer's checks
// (layers/) reject by throwing an ArchIssue holding ArchErrors; parseArchitecture catches it once
// and returns its errors. A layer's checks know only the field: the shape stage adds which layer.

/** What a rejection says, as the web UI, the services and the CLI read it. */
export interface ArchError {
  /** Position in the submitted `layers` list (0-based, InputLayer included when present). */
  layerIndex: number | null;
  layerName: string | null;
  field: string | null;
  message: string;
}

type ErrorLocation = Partial<Omit<ArchError, "message">>;

export class ArchIssue extends Error {
  constructor(readonly errors: ArchError[]) {
    super(errors[0]?.message);
  }
}

export function archError(message: string, where: ErrorLocation = {}): ArchError {
  return {
    layerIndex: where.layerIndex ?? null,
    layerName: where.layerName ?? null,
    field: where.field ?? null,
    message,
  };
}

/** One error, to throw: `throw issue(message, { layerIndex, layerName, field })`. */
export function issue(message: string, where?: ErrorLocation): ArchIssue {
  return new ArchIssue([archError(message, where)]);
}

/** A layer's field is wrong (`field` null: the layer as a whole); the shape stage names the layer. */
export function fieldIssue(field: string | null, message: string): ArchIssue {
  return issue(message, { field });
}
