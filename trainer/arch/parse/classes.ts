// Stage 2, layers: every class name mapped through Keras's old aliases and checked, so that all
// unknown classes are reported at once (with the supported list, and why for known ones).
import { ArchIssue, archError } from "../errors";
import { CLASS_ALIASES, KNOWN_UNSUPPORTED, LAYERS, SUPPORTED_LAYERS } from "../layers";
import { layerName, type RawLayer } from "./raw";

/** An own key only: class names are untrusted, and "constructor" or "toString" are on every object's prototype. */
const own = <T>(table: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

/** Rewrites aliases in place. */
export function resolveClasses(raw: RawLayer[]): void {
  const errors = [];
  for (const r of raw) {
    r.className = own(CLASS_ALIASES, r.className) ?? r.className;
    if (r.className === "InputLayer" || own(LAYERS, r.className)) continue;
    const why = own(KNOWN_UNSUPPORTED, r.className);
    errors.push(
      archError(
        `unsupported layer class '${r.className}'${why ? `: ${why}` : ""} (supported: ${SUPPORTED_LAYERS.join(", ")})`,
        { layerIndex: r.index, layerName: layerName(r), field: "class_name" },
      ),
    );
  }
  if (errors.length) throw new ArchIssue(errors);
}
