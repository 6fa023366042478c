import "server-only";
// The 2-D Pareto front of class analytics: runs no other run beats on both accuracy (higher is
// better) and a cost (parameters, FLOPs or training time; lower is better). Pure, no I/O.

export interface Scored {
  cost: number;
  accuracy: number;
}

/**
 * The indices of the non-dominated items, by cost ascending (then input order). An item is
 * dominated when another costs no more and scores no less, and is strictly better in one of the
 * two. Exact duplicates (same cost and accuracy) dominate neither other: both are on the front.
 * Items with a cost or accuracy that is not a finite number are left out.
 */
export function paretoFront(items: readonly Scored[]): number[] {
  const order = items
    .map((item, index) => ({ ...item, index }))
    .filter((i) => Number.isFinite(i.cost) && Number.isFinite(i.accuracy))
    // Cheapest first; at equal cost the most accurate first, so it is the one that sets the bar.
    .sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy || a.index - b.index);
  const front: number[] = [];
  let best: Scored | null = null;
  for (const item of order) {
    if (best === null || item.accuracy > best.accuracy) {
      best = item;
      front.push(item.index);
    } else if (item.accuracy === best.accuracy && item.cost === best.cost) {
      front.push(item.index);
    }
  }
  return front;
}
