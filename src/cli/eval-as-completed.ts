import type { Vocab } from '../core/data/vocab';
import type { CharModel } from '../core/model/char-model';
import { completionMetrics, type CompletionMetrics } from '../core/eval/completion-metrics';
import { LstmPredictor } from '../core/eval/lstm-predictor';
import type { CharPredictor } from '../core/eval/predictor';
import { EditorDocumentCache } from '../core/mix/editor-document-cache';
import { MixturePredictor } from '../core/mix/mixture-predictor';
import { mixtureNatsPerChar, type TargetProbabilities } from '../core/mix/mixture-weights';
import { targetProbabilities } from '../core/mix/target-probabilities';
import type { WorkspaceMixture } from '../core/mix/workspace-mixture';
import { NgramPredictor } from '../core/ngram/ngram-predictor';
import { evaluateEvery, type FullEvaluation } from '../core/eval/evaluate-every';
import { describeMetrics, metricsJson } from './eval-measures';
import { bitsPerChar, formatCount } from './progress';

/** Streams and window of `eval`'s LSTM evaluation; shorter texts get a smaller fit (see StreamBatches.fit). */
export const EVAL_BATCH = 32;
export const EVAL_SEQ_LEN = 100;

/**
 * The LSTM's loss on `ids` as `eval` measures it: every character after the first (EVAL_BATCH
 * streams, windows of EVAL_SEQ_LEN, state carried as in training, the tails too; see
 * evaluateEvery), and with `withProbs` the probability it gave each (NaN at position 0, which
 * nothing predicts): the LSTM's part of `measureAsCompleted`.
 */
export async function evaluateLstm(model: CharModel, ids: ArrayLike<number>,
  withProbs: boolean): Promise<FullEvaluation & { probs: Float64Array | null }> {
  const probs = withProbs ? new Float64Array(ids.length).fill(NaN) : null;
  const { loss, chars } = await evaluateEvery(model, ids, EVAL_BATCH, EVAL_SEQ_LEN, probs ?? undefined);
  return { loss, chars, probs };
}

/** A model measured as completions use it: with its saved mixture. */
export interface AsCompleted {
  /** The saved n-gram's order and the document caches' order. */
  order: number;
  cacheOrder: number;
  /** Nats/char over the `chars` positions the LSTM's evaluation predicted (the same as its loss alone). */
  natsPerChar: number;
  chars: number;
  metrics: CompletionMetrics | null;
}

/**
 * The model as the editor completes with it (src/completion/complete.ts): the LSTM, the n-gram
 * saved in the model file and a cache of the document (EditorDocumentCache: each document of
 * `documentStarts` on its own, learning the window the editor's cache learns), mixed by the
 * weights saved with them; nothing is fitted on `ids`. `char-lstm eval` and the bench's
 * completion table both measure it here.
 *
 * The loss: at each position the LSTM's evaluation predicted (`lstmProbs`, evaluateLstm's: the
 * LSTM's own loss line, its streams reading on across files), its probability mixed with those
 * of the n-gram (having read the document before it, or a line end at its very start, as
 * CompletionEngine reads) and of the cache. The completion figures: completionMetrics' slices
 * with a MixturePredictor of the three, as CompletionEngine's predictorAt builds it (the LSTM
 * and the n-gram having read the slice's context, as for the LSTM alone).
 */
export function measureAsCompleted(model: CharModel, vocab: Vocab, mixture: WorkspaceMixture, ids: ArrayLike<number>,
  documentStarts: readonly number[], lstmProbs: Float64Array, maxChars: number, lstm: LstmAt = staticLstm(model)): AsCompleted {
  if (lstmProbs.length !== ids.length) throw new RangeError(`${lstmProbs.length} LSTM probabilities for ${ids.length} characters`);
  const { ngram, order, cacheOrder, weights } = mixture;
  const lineEnd = [vocab.id('\n')];
  const starts = [...new Set([0, ...documentStarts])].filter((s) => s < ids.length).sort((a, b) => a - b);
  let nats = 0, chars = 0;
  starts.forEach((from, d) => {
    const to = starts[d + 1] ?? ids.length;
    const doc = slice(ids, from, to);
    // Bucketed by the n-gram (model 0 here), the cache beside it, as MixturePredictor buckets. The
    // editor's n-gram reads the document before the cursor; at its very start, a line end.
    const parts = (context: number[]) => [NgramPredictor.after(ngram, order, context),
      new EditorDocumentCache(vocab.size, cacheOrder)];
    const t = targetProbabilities(parts([]), doc, 0);
    const first = targetProbabilities(parts(lineEnd), [doc[0]], 0);
    t.probs.forEach((p, k) => { p[0] = first.probs[k][0]; });
    t.bucket[0] = first.bucket[0];
    const kept: number[] = [];
    for (let i = 0; i < doc.length; i++) if (lstmProbs[from + i] >= 0) kept.push(i);
    if (kept.length === 0) return;
    const at = (p: ArrayLike<number>, offset = 0) => Float64Array.from(kept, (i) => p[offset + i]);
    const mixed: TargetProbabilities = {
      probs: [at(lstmProbs, from), at(t.probs[0]), at(t.probs[1])],
      bucket: Int32Array.from(kept, (i) => t.bucket[i]),
    };
    nats += mixtureNatsPerChar(mixed, weights) * kept.length;
    chars += kept.length;
  });
  const metrics = maxChars === 0 || ids.length === 0 ? null : completionMetrics((context, at) => new MixturePredictor([
    lstm.start(context, at),
    NgramPredictor.after(ngram, order, context),
    EditorDocumentCache.at(ids, at, vocab.size, cacheOrder, starts),
  ], weights), ids, vocab, { maxChars, ...(lstm.revision && { revision: lstm.revision }) });
  return { order, cacheOrder, natsPerChar: chars > 0 ? nats / chars : NaN, chars, metrics };
}

/**
 * The LSTM of the completion figures at each slice: a predictor at position `at` having read
 * `context`; `revision` for one whose weights change as it reads (DynamicReader's).
 */
export interface LstmAt {
  start(context: ArrayLike<number>, at: number): CharPredictor;
  revision?: () => number;
}

/** The LSTM with the weights of the file, the same at every position. */
function staticLstm(model: CharModel): LstmAt {
  return { start: (context) => LstmPredictor.after(model, context) };
}

/** ids[from, to), a view where `ids` is a typed array. */
function slice(ids: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  const typed = ids as Partial<Int32Array>;
  return typeof typed.subarray === 'function' ? typed.subarray(from, to) : Array.prototype.slice.call(ids, from, to) as number[];
}

/** `eval`'s line for it; `lstmChars`: the positions of the LSTM's own loss line. */
export function describeAsCompleted(a: AsCompleted, lstmChars: number): string {
  const over = a.chars === lstmChars ? 'the same chars' : `${formatCount(a.chars)} chars`;
  return `as completed (the LSTM mixed with its saved ${a.order}-gram and a cache of each file read so far, by its saved `
    + `weights; nothing fitted on this text): loss ${a.natsPerChar.toFixed(3)} nats/char `
    + `(${bitsPerChar(a.natsPerChar).toFixed(3)} bits/char) over ${over}` + (a.metrics ? `; ${describeMetrics(a.metrics)}` : '');
}

/** `eval`'s line for a model file without a mixture. */
export const NO_SAVED_MIXTURE = 'no saved mixture: the LSTM alone is what completes';

export function asCompletedJson(a: AsCompleted) {
  return {
    ngram_order: a.order,
    cache_order: a.cacheOrder,
    nats_per_char: a.natsPerChar,
    bits_per_char: bitsPerChar(a.natsPerChar),
    chars: a.chars,
    ...metricsJson(a.metrics),
  };
}
