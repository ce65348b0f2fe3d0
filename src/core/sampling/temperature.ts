import { sampleCategorical } from './categorical';
import type { Random } from '../math/random';
import { softmax } from '../math/softmax';
import type { Logits } from './strategy';

/**
 * Draws from softmax(logits / T). T < 1 sharpens towards greedy, T > 1 flattens towards
 * uniform; T = 1 is the distribution the model was trained to predict.
 */
export function sampleTemperature(logits: Logits, temperature: number, rng: Random): number {
  return sampleCategorical(softmax(logits, temperature), rng);
}
