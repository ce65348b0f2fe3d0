import type { Random } from '../math/random';

/**
 * Inverse-CDF draw from non-negative weights that need not sum to 1 (so callers can zero
 * out ids without renormalising). Zero-weight ids are never returned, even when u = 0 or
 * rounding pushes u past the last cumulative sum.
 */
export function sampleCategorical(weights: ArrayLike<number>, rng: Random): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  if (!(total > 0)) throw new Error('no id has positive weight');
  const u = rng.next() * total;
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (w > 0) {
      cumulative += w;
      last = i;
      if (u < cumulative) return i;
    }
  }
  return last;
}
