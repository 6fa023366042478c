/**
 * A table lookup by an untrusted name (a layer class, an activation): own keys only, because
 * "constructor", "toString" and "__proto__" are on every object's prototype and `name in table`
 * or `table[name]` would find them.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
