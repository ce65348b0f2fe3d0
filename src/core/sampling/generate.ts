import type { CharModel } from '../model/char-model';
import type { Vocab } from '../data/vocab';
import type { Random } from '../math/random';
import type { Strategy } from './strategy';
import { pick } from './pick';
import { Stepper } from './stepper';

/**
 * Continues `prime` by `length` characters, one model step per character. The unknown-character
 * slot is never chosen: it would print U+FFFD. An empty prime starts from a newline.
 */
export function generate(model: CharModel, vocab: Vocab, prime: string, length: number,
  strategy: Strategy, rng: Random, stepper = new Stepper(model)): string {
  let out = '';
  for (const chunk of generateChunks(model, vocab, prime, length, strategy, rng, Infinity, stepper)) out += chunk;
  return out;
}

/**
 * `generate`'s text as it is made, in pieces of `chunkChars` UTF-16 units (a character is never
 * split; the last piece may be shorter), so a caller can print a long sample while it grows.
 * The same characters as `generate` with the same `rng`.
 */
export function* generateChunks(model: CharModel, vocab: Vocab, prime: string, length: number,
  strategy: Strategy, rng: Random, chunkChars: number, stepper = new Stepper(model)): Generator<string> {
  let logits = stepper.feed(vocab.encode(prime.length > 0 ? prime : '\n'));
  let out = '';
  for (let n = 0; n < length && logits; n++) {
    logits[vocab.unknownId] = -Infinity;
    const id = pick(logits, strategy, rng);
    out += vocab.char(id);
    if (out.length >= chunkChars) {
      yield out;
      out = '';
    }
    logits = stepper.step(id);
  }
  if (out.length > 0) yield out;
}
