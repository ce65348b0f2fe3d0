import type { Kernels } from '../src/core/nn/kernels/kernels';
import { CharModel } from '../src/core/model/char-model';
import type { Vocab } from '../src/core/data/vocab';
import { CompletionEngine, CompletionSession, type TypingAdaptation } from '../src/completion';
import { seededRandom } from '../src/core/math/random';
import { MODEL_M } from './model-m';
import { splitCorpus } from '../src/core/data/corpus';
import { mixtureForModel } from '../src/core/train/workspace-mixture-fit';

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
  /**
   * Mixed, keys 30 ms apart, learning what is typed (TypingAdaptation on a learner thread) or
   * not (`still`): p50 / p99 of the keystroke's request (plus `observe`), the editor thread's
   * milliseconds to adopt each stretch's weights (p50, max), and the stretches learnt.
   */
  adapting: { p50: number; p99: number; stillP50: number; stillP99: number; adoptP50: number; adoptMax: number;
    stretches: number; steps: number };
}

/**
 * Types `text` one character at a time into a document and asks for 20 characters of ghost
 * text (greedy, no stop at end of line) after each keystroke, as the editor does: in the
 * editor's completion session (engine, pipelined primer, typing learner), mixed with an n-gram
 * of `text`, and with the LSTM alone beside it. Model M with fresh weights, or `model`.
 */
export async function benchGhostLatency(k: Kernels, vocab: Vocab, text: string, keystrokes = 600,
  model = new CharModel(k, { ...MODEL_M, vocabSize: vocab.size }, seededRandom(1))): Promise<GhostLatency> {
  const mixture = await mixtureForModel(model, vocab, splitCorpus(text), [0], 20_000);
  const session = new CompletionSession({ model, vocab, mixture });
  await session.ready;
  // The LSTM alone, primed by the session's primer (the model's).
  const alone = new CompletionEngine(model, vocab);
  const times = await typingTimes(alone, text, keystrokes);
  const mixed = await typingTimes(session.engine, text, keystrokes);
  const adapting = await adaptingTimes(session, text, keystrokes);
  const firsts: number[] = [];
  for (let d = 0; d < 5; d++) {
    const before = performance.now();
    alone.complete({ docKey: `first-${d}`, text: text.slice(d, d + 2000), offset: 2000, strategy: { kind: 'greedy' },
      maxChars: 20, stopAtEndOfLine: false });
    firsts.push(performance.now() - before);
  }
  await session.close();
  firsts.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), keystrokes: times.length, first2000Ms: firsts[2],
    mixtureP50: quantile(mixed, 0.5), mixtureP99: quantile(mixed, 0.99), adapting };
}

/** Milliseconds between keys when the learner's weights should land between them. */
const PACE_MS = 30;

/** Mixed typing with keys 30 ms apart, learning what is typed and not, the learner's weights landing in between. */
async function adaptingTimes(session: CompletionSession, text: string, keystrokes: number): Promise<GhostLatency['adapting']> {
  const { engine } = session, { model } = engine;
  const still = await typingTimes(engine, text, keystrokes, { docKey: 'still', paceMs: PACE_MS });
  void session.adaptToTyping(true);
  const adaptation = session.adaptation!;
  const adopts: number[] = [];
  const adopt = model.adoptInference.bind(model);
  model.adoptInference = (snapshot) => {
    const before = performance.now();
    adopt(snapshot);
    adopts.push(performance.now() - before);
  };
  const times = await typingTimes(engine, text, keystrokes, { docKey: 'adapting', paceMs: PACE_MS, adaptation });
  await adaptation.idle();
  await session.adaptToTyping(false);
  model.adoptInference = adopt;
  adopts.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), stillP50: quantile(still, 0.5), stillP99: quantile(still, 0.99),
    adoptP50: quantile(adopts, 0.5), adoptMax: adopts.at(-1) ?? NaN, stretches: adaptation.stats.stretches, steps: adaptation.stats.steps };
}

/** The q-quantile of ascending `t`; NaN when it is empty. */
function quantile(t: number[], q: number): number {
  return t[Math.min(t.length - 1, Math.floor(q * t.length))] ?? NaN;
}

/**
 * Milliseconds per keystroke of typing `text` from offset 1,000 on, sorted; the first (priming)
 * request left out. With `paceMs`, a key every that many milliseconds (what lands meanwhile, a
 * learner's weights, runs between keys); with `adaptation`, each request is followed by its
 * `observe`, counted in the keystroke's time.
 */
async function typingTimes(engine: CompletionEngine, text: string, keystrokes: number,
  o: { docKey?: string; paceMs?: number; adaptation?: TypingAdaptation } = {}): Promise<number[]> {
  const start = 1000; // a document that already has some text above the cursor
  const docKey = o.docKey ?? 'bench';
  const times: number[] = [];
  for (let i = 0; i < keystrokes; i++) {
    const offset = start + i;
    const before = performance.now();
    const typed = text.slice(0, offset);
    engine.complete({ docKey, text: typed, offset, strategy: { kind: 'greedy' }, maxChars: 20, stopAtEndOfLine: false });
    o.adaptation?.observe(docKey, typed, 0, offset);
    if (i > 0) times.push(performance.now() - before);
    if (o.paceMs !== undefined) await new Promise((r) => setTimeout(r, o.paceMs));
  }
  return times.sort((a, b) => a - b);
}
