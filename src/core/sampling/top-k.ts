import { sampleCategorical } from './categorical';
import type { Random } from '../math/random';
import { rankIds } from './rank';
import { softmax } from '../math/softmax';
import { checkK, type Logits } from './strategy';

/**
 * Temperature sampling restricted to the k highest logits (exactly k ids; ties at the cut
 * keep the lowest ids), renormalised. k ≥ V leaves every id in play.
 */
export function sampleTopK(logits: Logits, k: number, temperature: number, rng: Random): number {
  checkK(k);
  const probs = softmax(logits, temperature);
  if (k < probs.length) {
    const ranked = rankIds(logits);
    for (let r = k; r < ranked.length; r++) probs[ranked[r]] = 0;
  }
  return sampleCategorical(probs, rng);
}
