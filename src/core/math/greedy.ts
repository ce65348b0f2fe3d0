import type { Logits } from './logits';

/**
 * The id with the highest logit; ties go to the lowest id so output is deterministic.
 * Throws rather than return an arbitrary id when nothing is selectable (empty, all -Infinity)
 * or when a NaN shows the model itself has gone wrong.
 */
export function greedy(logits: Logits): number {
  let best = -1;
  let bestLogit = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const x = logits[i];
    if (Number.isNaN(x)) throw new Error(`logit ${i} is NaN`);
    if (x > bestLogit) {
      bestLogit = x;
      best = i;
    }
  }
  if (best < 0) {
    throw new Error(logits.length === 0 ? 'no logits to choose from' : 'every logit is -Infinity: no id can be chosen');
  }
  return best;
}
