import type { CharModel } from '../model/char-model';
import type { Vocab } from '../data/vocab';
import type { Random } from './random';
import type { Strategy } from './strategy';
import { pick } from './pick';
import { Stepper } from './stepper';

/**
 * Continues `prime` by `length` characters, one model step per character. The unknown-character
 * slot is never chosen: it would print U+FFFD. An empty prime starts from a newline.
 */
export function generate(model: CharModel, vocab: Vocab, prime: string, length: number,
  strategy: Strategy, rng: Random, stepper = new Stepper(model)): string {
  let logits = stepper.feed(vocab.encode(prime.length > 0 ? prime : '\n'));
  let out = '';
  for (let n = 0; n < length && logits; n++) {
    logits[vocab.unknownId] = -Infinity;
    const id = pick(logits, strategy, rng);
    out += vocab.char(id);
    logits = stepper.step(id);
  }
  return out;
}
