import { sampleCategorical } from './categorical';
import type { Random } from '../math/random';
import { rankIds } from './rank';
import { softmax } from '../math/softmax';
import { checkP, type Logits } from './strategy';

/**
 * Rounding slack for "total ≥ p": softmax sums carry ~1e-16 relative error, and without
 * slack a nucleus whose true mass is exactly p could pick up one extra id.
 */
const SLACK = 1e-9;

/**
 * Nucleus sampling (Holtzman et al., 2019): draws from the smallest set of most probable ids
 * (after temperature) whose total probability reaches p, renormalised. The top id is always
 * in it, so p → 0 is greedy and p = 1 is plain temperature sampling.
 */
export function sampleTopP(logits: Logits, p: number, temperature: number, rng: Random): number {
  checkP(p);
  const probs = softmax(logits, temperature);
  const ranked = rankIds(probs);
  let mass = 0;
  let size = 0;
  while (size < ranked.length) {
    mass += probs[ranked[size++]];
    if (mass >= p - SLACK) break;
  }
  for (let r = size; r < ranked.length; r++) probs[ranked[r]] = 0;
  return sampleCategorical(probs, rng);
}
