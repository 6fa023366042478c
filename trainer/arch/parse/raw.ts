// A layer as submitted, before any checks: its position in the list, class and Keras config.
import { issue } from "../errors";

export interface RawLayer {
  index: number;
  className: string;
  config: Record<string, unknown>;
  /** Graph models only (parse/functional.ts): the layers whose outputs it takes, in order. */
  inbound?: string[];
}

export const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function layerName(l: RawLayer): string | null {
  return typeof l.config.name === "string" ? l.config.name : null;
}

/** Keras 3 wraps dtypes, initializers, etc. in `{module, class_name, config, registered_name}`. */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (!isObj(v)) return v;
  if (v.class_name === "DTypePolicy" || v.class_name === "Policy") {
    const c = v.config;
    return isObj(c) && typeof c.name === "string" ? c.name : "float32";
  }
  const out: Record<string, unknown> = {};
  for (const [key, val] of Object.entries(v)) {
    if (key === "module" || key === "registered_name" || key === "build_config" || key === "compile_config") continue;
    out[key] = clean(val);
  }
  return out;
}

/** A Keras `layers` list → raw layers, each config cleaned of Keras 3's serialisation wrappers. */
export function rawLayersOf(list: unknown, where: string): RawLayer[] {
  if (!Array.isArray(list)) throw issue(`${where} must be a list of layers`);
  return list.map((l, index) => {
    if (!isObj(l) || typeof l.class_name !== "string") {
      throw issue(`layer ${index} is not a {class_name, config} object`, { layerIndex: index, field: "class_name" });
    }
    const config = isObj(l.config) ? (clean(l.config) as Record<string, unknown>) : {};
    if (typeof config.name !== "string" && typeof l.name === "string") config.name = l.name;
    return { index, className: l.class_name, config };
  });
}
