// Turns whatever a student pastes into one canonical Sequential model, or into a list of errors
// that each say which layer, which field and why. A pipeline of stages, each of which rejects by
// throwing an ArchIssue (../errors.ts); nothing here throws to the caller.
import { ArchIssue, archError } from "../errors";
import { functional, sequential } from "../keras";
import { DEFAULT_LIMITS, type ParseOptions } from "../limits";
import type { ParseResult } from "../model";
import { checkBudgets } from "./budgets";
import { resolveClasses } from "./classes";
import { readSubmission } from "./format";
import { resolveInput } from "./input";
import { inferShapes } from "./shapes";

export function parseArchitecture(input: unknown, opts: ParseOptions = {}): ParseResult {
  const lim = { ...DEFAULT_LIMITS, ...opts };
  const notes: string[] = [];
  try {
    const { layers: raw, name, explicitInput, sourceFormat, kerasVersion, graphInput } = readSubmission(input, lim);
    resolveClasses(raw);
    const { shape: inputShape, body } = resolveInput(raw, explicitInput, notes);
    const layers = inferShapes(body, inputShape, graphInput);
    const output = checkBudgets(layers, lim, notes);
    const keras =
      graphInput === undefined
        ? sequential(
            layers.map((l) => ({ class_name: l.className, config: l.config })),
            { name, inputShape },
          )
        : functional(
            layers.map((l) => ({ class_name: l.className, config: l.config, inbound: l.inbound ?? [] })),
            { name, inputName: graphInput, inputShape },
          );
    const graph = graphInput === undefined ? {} : { graph: { inputName: graphInput, inputIndex: raw[0].index } };
    return {
      ok: true,
      model: { name, sourceFormat, kerasVersion, inputShape, output, layers, keras, ...graph },
      notes,
    };
  } catch (e) {
    if (e instanceof ArchIssue) return { ok: false, errors: e.errors };
    // Anything else is a bug in this module; still never a crash for the caller.
    return { ok: false, errors: [archError(`could not read the architecture: ${(e as Error).message}`)] };
  }
}
