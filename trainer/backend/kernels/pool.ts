/**
 * Which tap of a 2×2 pooling window gets its gradient: the first maximum, as tfjs's cpu kernel
 * picks it (strict `>`); a NaN is passed over, so the gradient still lands inside the window.
 */
export function firstMaxOf4(a: number, b: number, c: number, d: number): 0 | 1 | 2 | 3 {
  let at: 0 | 1 | 2 | 3 = 0;
  let m = a;
  if (b > m || Number.isNaN(m)) {
    m = b;
    at = 1;
  }
  if (c > m || Number.isNaN(m)) {
    m = c;
    at = 2;
  }
  if (d > m || Number.isNaN(m)) at = 3;
  return at;
}
