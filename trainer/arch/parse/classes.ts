// Stage 2, layers: every class name mapped through Keras's old aliases and checked, so that all
// unknown classes are reported at once (with the supported list, and why for known ones).
import { ArchIssue, archError } from "../errors";
import { CLASS_ALIASES, KNOWN_UNSUPPORTED, LAYERS, SUPPORTED_LAYERS } from "../layers";
import { lookup } from "../lookup";
import { layerName, type RawLayer } from "./raw";

/** Rewrites aliases in place. */
export function resolveClasses(raw: RawLayer[]): void {
  const errors = [];
  for (const r of raw) {
    r.className = lookup(CLASS_ALIASES, r.className) ?? r.className;
    if (r.className === "InputLayer" || lookup(LAYERS, r.className)) continue;
    const why = lookup(KNOWN_UNSUPPORTED, r.className);
    errors.push(
      archError(
        `unsupported layer class '${r.className}'${why ? `: ${why}` : ""} (supported: ${SUPPORTED_LAYERS.join(", ")})`,
        { layerIndex: r.index, layerName: layerName(r), field: "class_name" },
      ),
    );
  }
  if (errors.length) throw new ArchIssue(errors);
}
