"use client";
import { type KeyboardEvent, useRef, useState } from "react";

// Keyboard moves in a 10×10 grid of SVG cells (WAI-ARIA's grid pattern with a roving tabindex):
// one cell is tabbable, the arrows, Home and End move focus. The confusion matrix and compare's
// matrices share it.

const SIDE = 10;

export function useGridFocus() {
  const [focus, setFocus] = useState<[number, number]>([0, 0]);
  const cells = useRef<Map<string, SVGGElement>>(new Map());
  const move = (r: number, c: number) => {
    const next: [number, number] = [Math.max(0, Math.min(SIDE - 1, r)), Math.max(0, Math.min(SIDE - 1, c))];
    setFocus(next);
    cells.current.get(`${next[0]}-${next[1]}`)?.focus();
  };
  return {
    focus,
    setFocus,
    /** The ref callback of cell (r, c). */
    cellRef: (r: number, c: number) => (el: SVGGElement | null) => {
      if (el) cells.current.set(`${r}-${c}`, el);
    },
    /** Moves focus for an arrow, Home or End key on cell (r, c); false for any other key. */
    onMoveKey: (e: KeyboardEvent, r: number, c: number): boolean => {
      const keys: Record<string, [number, number]> = {
        ArrowUp: [r - 1, c],
        ArrowDown: [r + 1, c],
        ArrowLeft: [r, c - 1],
        ArrowRight: [r, c + 1],
        Home: [r, 0],
        End: [r, SIDE - 1],
      };
      const to = keys[e.key];
      if (!to) return false;
      e.preventDefault();
      move(...to);
      return true;
    },
  };
}
