// Browser-safe: the compare view's URL holds its whole state (which submissions, which is the
// base), so a comparison can be shared as a link. The class page's picker and the page build it here.

export const MAX_COMPARED = 4;

export function compareHref(slug: string, ids: readonly string[], base?: string): string {
  const query = new URLSearchParams({ ids: ids.join(",") });
  if (base && base !== ids[0]) query.set("base", base);
  // Ids are cuids (letters and digits): the commas can stay readable.
  return `/classes/${encodeURIComponent(slug)}/compare?${query.toString().replace(/%2C/g, ",")}`;
}
