import type { Kernels } from '../src/core/nn/kernels/kernels';
import { CharModel } from '../src/core/model/char-model';
import type { Vocab } from '../src/core/data/vocab';
import { CompletionEngine } from '../src/completion';
import { seededRandom } from '../src/core/sampling/random';
import { PipelinedPrimer } from '../src/core/pipeline/pipelined-primer';
import { MODEL_M } from './model-m';
import { splitCorpus } from '../src/core/data/corpus';
import { mixtureForModel } from '../src/core/mix/workspace-mixture-fit';

export interface GhostLatency {
  /** Model-side milliseconds from a keystroke to 20 characters of ghost text, state cached. */
  p50: number;
  p99: number;
  keystrokes: number;
  /**
   * Milliseconds of a document's first request with 2,000 characters above the cursor (the
   * document state cache primes them in 256-character pieces, keeping a checkpoint after each);
   * median of 5 documents, after the typing.
   */
  first2000Ms: number;
  /** p50 and p99 again with the model mixed with an n-gram of the text and the document's cache. */
  mixtureP50: number;
  mixtureP99: number;
}

/**
 * Types `text` one character at a time into a document and asks for 20 characters of ghost
 * text (greedy, no stop at end of line) after each keystroke, as the editor does, with the
 * pipelined primer the editor starts for its model. Model M with fresh weights, or `model`.
 */
export async function benchGhostLatency(k: Kernels, vocab: Vocab, text: string, keystrokes = 600,
  model = new CharModel(k, { ...MODEL_M, vocabSize: vocab.size }, seededRandom(1))): Promise<GhostLatency> {
  const primer = PipelinedPrimer.start(model);
  await primer?.ready;
  const engine = new CompletionEngine(model, vocab);
  const times = typingTimes(engine, text, keystrokes);
  const mixed = typingTimes(new CompletionEngine(model, vocab, undefined, await mixtureForModel(model, vocab, splitCorpus(text), [0], 20_000)), text, keystrokes);
  const firsts: number[] = [];
  for (let d = 0; d < 5; d++) {
    const before = performance.now();
    engine.complete({ docKey: `first-${d}`, text: text.slice(d, d + 2000), offset: 2000, strategy: { kind: 'greedy' },
      maxChars: 20, stopAtEndOfLine: false });
    firsts.push(performance.now() - before);
  }
  await primer?.close();
  const at = (t: number[], q: number) => t[Math.min(t.length - 1, Math.floor(q * t.length))];
  firsts.sort((a, b) => a - b);
  return { p50: at(times, 0.5), p99: at(times, 0.99), keystrokes: times.length, first2000Ms: firsts[2],
    mixtureP50: at(mixed, 0.5), mixtureP99: at(mixed, 0.99) };
}

/** Milliseconds per keystroke of typing `text` from offset 1,000 on, sorted; the first (priming) request left out. */
function typingTimes(engine: CompletionEngine, text: string, keystrokes: number): number[] {
  const start = 1000; // a document that already has some text above the cursor
  const times: number[] = [];
  for (let i = 0; i < keystrokes; i++) {
    const offset = start + i;
    const before = performance.now();
    engine.complete({ docKey: 'bench', text: text.slice(0, offset), offset, strategy: { kind: 'greedy' },
      maxChars: 20, stopAtEndOfLine: false });
    if (i > 0) times.push(performance.now() - before);
  }
  return times.sort((a, b) => a - b);
}
