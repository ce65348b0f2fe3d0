/**
 * Modified Kneser-Ney discounts (Chen & Goodman, "An Empirical Study of Smoothing Techniques
 * for Language Modeling", 1998, eq. 26): three per order, D1 for n-grams seen once, D2 for
 * twice, D3+ for three times or more, estimated from the order's count-of-counts n1 … n4
 * (how many n-grams of that order have count exactly 1, 2, 3, 4):
 *
 *   Y = n1 / (n1 + 2 n2),  D1 = 1 - 2Y n2/n1,  D2 = 2 - 3Y n3/n2,  D3+ = 3 - 4Y n4/n3.
 *
 * Counts are in occurrences (raw counts at the highest order, continuation counts below).
 * On small texts a count-of-count can be 0 and a formula undefined or out of range; then
 * D_k = k/2 when undefined, and every D_k is clamped to [MIN_DISCOUNT, k], so that no
 * discounted count goes negative and every seen context keeps some mass for the lower order
 * (hence no character ever gets probability 0).
 */
export type Discounts = readonly [d1: number, d2: number, d3plus: number];

export const MIN_DISCOUNT = 0.01;

/** `countOfCounts[k]` = n-grams of one order with count exactly k (k = 1 … 4; index 0 unused). */
export function modifiedKneserNeyDiscounts(countOfCounts: ArrayLike<number>): Discounts {
  const [n1, n2, n3, n4] = [countOfCounts[1], countOfCounts[2], countOfCounts[3], countOfCounts[4]];
  const y = n1 / (n1 + 2 * n2);
  return [
    clamp(1 - 2 * y * n2 / n1, 1),
    clamp(2 - 3 * y * n3 / n2, 2),
    clamp(3 - 4 * y * n4 / n3, 3),
  ];
}

/** The discount of an n-gram seen `count` ≥ 1 times. */
export function discountOf(d: Discounts, count: number): number {
  return count >= 3 ? d[2] : d[count - 1];
}

function clamp(d: number, k: number): number {
  if (!Number.isFinite(d)) return k / 2;
  return Math.min(k, Math.max(MIN_DISCOUNT, d));
}
