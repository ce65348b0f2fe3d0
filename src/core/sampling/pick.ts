import { greedy } from '../math/greedy';
import type { Random } from '../math/random';
import type { Logits, Strategy } from './strategy';
import { sampleTemperature } from './temperature';
import { sampleTopK } from './top-k';
import { sampleTopP } from './top-p';

/** The next id under `strategy`. Greedy ignores `rng`, so it consumes no random numbers. */
export function pick(logits: Logits, strategy: Strategy, rng: Random): number {
  switch (strategy.kind) {
    case 'greedy':
      return greedy(logits);
    case 'temperature':
      return sampleTemperature(logits, strategy.temperature, rng);
    case 'topk':
      return sampleTopK(logits, strategy.k, strategy.temperature, rng);
    case 'topp':
      return sampleTopP(logits, strategy.p, strategy.temperature, rng);
    default: {
      const unreachable: never = strategy;
      throw new Error(`unknown sampling strategy ${JSON.stringify(unreachable)}`);
    }
  }
}
