import { describe, expect, it } from "vitest";
import { paretoFront } from "@/lib/server/services/analytics/pareto";

const front = (items: [number, number][]) => paretoFront(items.map(([cost, accuracy]) => ({ cost, accuracy })));

describe("paretoFront: maximise accuracy, minimise cost", () => {
  it("keeps the runs nothing beats on both, cheapest first", () => {
    // 0: cheap and weak, 1: dominated by 0 (dearer, weaker), 2: dearer and better, 3: best and dearest.
    expect(
      front([
        [10, 0.8],
        [20, 0.7],
        [30, 0.85],
        [100, 0.9],
        [50, 0.84],
      ]),
    ).toEqual([0, 2, 3]);
  });

  it("an equal cost: only the most accurate stays; an equal accuracy: only the cheapest", () => {
    expect(
      front([
        [10, 0.8],
        [10, 0.82],
        [5, 0.82],
        [20, 0.82],
      ]),
    ).toEqual([2]);
  });

  it("exact duplicates dominate neither other: both stay, in input order", () => {
    expect(
      front([
        [40, 0.9],
        [10, 0.8],
        [40, 0.9],
        [10, 0.8],
      ]),
    ).toEqual([1, 3, 0, 2]);
  });

  it("a run both cheapest and best is the whole front; empty and non-finite input", () => {
    expect(
      front([
        [50, 0.7],
        [1, 0.95],
        [30, 0.9],
      ]),
    ).toEqual([1]);
    expect(front([])).toEqual([]);
    expect(
      front([
        [Number.NaN, 0.9],
        [10, Number.POSITIVE_INFINITY],
        [20, 0.5],
      ]),
    ).toEqual([2]);
  });

  it("every point of the front beats every cheaper point of it, and every run off it is dominated", () => {
    // Deterministic pseudo-random scores with many ties in cost.
    const items = Array.from({ length: 500 }, (_, i) => ({ cost: (i * 37) % 50, accuracy: ((i * 7919) % 101) / 100 }));
    const on = paretoFront(items);
    const set = new Set(on);
    for (let k = 1; k < on.length; k++) {
      const [a, b] = [items[on[k - 1]!]!, items[on[k]!]!];
      expect(b.cost >= a.cost && b.accuracy >= a.accuracy).toBe(true);
    }
    items.forEach((item, i) => {
      const dominated = items.some(
        (o) => o.cost <= item.cost && o.accuracy >= item.accuracy && (o.cost < item.cost || o.accuracy > item.accuracy),
      );
      expect(set.has(i)).toBe(!dominated);
    });
  });
});
