import type { Kernels } from '../src/core/nn/kernels/kernels';
import { CharModel } from '../src/core/model/char-model';
import type { Vocab } from '../src/core/data/vocab';
import { CompletionEngine } from '../src/completion';
import { seededRandom } from '../src/core/sampling/random';
import { MODEL_M } from './model-m';

export interface GhostLatency {
  /** Model-side milliseconds from a keystroke to 20 characters of ghost text, state cached. */
  p50: number;
  p99: number;
  keystrokes: number;
}

/**
 * Types `text` one character at a time into a document and asks for 20 characters of ghost
 * text (greedy, no stop at end of line) after each keystroke, as the editor does.
 */
export function benchGhostLatency(k: Kernels, vocab: Vocab, text: string, keystrokes = 600): GhostLatency {
  const model = new CharModel(k, { ...MODEL_M, vocabSize: vocab.size }, seededRandom(1));
  const engine = new CompletionEngine(model, vocab);
  const start = 1000; // a document that already has some text above the cursor
  const times: number[] = [];
  for (let i = 0; i < keystrokes; i++) {
    const offset = start + i;
    const before = performance.now();
    engine.complete({ docKey: 'bench', text: text.slice(0, offset), offset, strategy: { kind: 'greedy' },
      maxChars: 20, stopAtEndOfLine: false });
    if (i > 0) times.push(performance.now() - before); // the first request primes the document
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { p50: at(0.5), p99: at(0.99), keystrokes: times.length };
}
