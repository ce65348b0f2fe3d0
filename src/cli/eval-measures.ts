import type { Vocab } from '../core/data/vocab';
import type { CharModel } from '../core/model/char-model';
import { completionMetrics, type CompletionMetrics } from '../core/eval/completion-metrics';
import { LstmPredictor } from '../core/eval/lstm-predictor';
import { KneserNey } from '../core/ngram/kneser-ney';
import { countNgrams } from '../core/ngram/ngram-counts';
import { NgramPredictor } from '../core/ngram/ngram-predictor';
import { natsPerChar } from '../core/ngram/score';
import { trainKneserNey } from '../core/ngram/select-order';
import { bitsPerChar, formatCount } from './progress';

/** The completion figures of one predictor, as `eval --json` writes them (null: not measured). */
export interface MetricsJson {
  top1: number | null;
  word_match: number | null;
  chars_saved: number | null;
  metrics: { chars: number; slices: number; word_starts: number; keystrokes: number; accepts: number } | null;
}

export function metricsJson(m: CompletionMetrics | null): MetricsJson {
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  return {
    top1: finite(m?.top1), word_match: finite(m?.wordMatch), chars_saved: finite(m?.charsSaved),
    metrics: m && { chars: m.chars, slices: m.slices, word_starts: m.wordStarts, keystrokes: m.keystrokes, accepts: m.accepts },
  };
}

/** "top-1 58.2%, word match 40.1% of 1,012 word starts, chars saved 31.0%". */
export function describeMetrics(m: CompletionMetrics): string {
  const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
  return `top-1 ${pct(m.top1)}, word match ${pct(m.wordMatch)} of ${formatCount(m.wordStarts)} word starts, `
    + `chars saved ${pct(m.charsSaved)}`;
}

export function lstmMetrics(model: CharModel, vocab: Vocab, ids: ArrayLike<number>, maxChars: number): CompletionMetrics | null {
  if (maxChars === 0 || ids.length === 0) return null;
  return completionMetrics((context) => LstmPredictor.after(model, context), ids, vocab, { maxChars });
}

export interface NgramBaseline {
  model: KneserNey;
  order: number;
  /** Validation loss of each order tried, on the last 10% of the n-gram's training text. */
  orders: { order: number; natsPerChar: number }[];
  trainChars: number;
  nodes: number;
  /** Loss on the evaluated text, read from its start (no context). */
  natsPerChar: number;
  metrics: CompletionMetrics | null;
}

/**
 * A Kneser-Ney n-gram over the model's vocabulary, trained on `train` (its order chosen on the
 * last 10% of it, then counted on all of it), measured on `ids` as the model is.
 */
export function ngramBaseline(vocab: Vocab, train: string, ids: ArrayLike<number>, maxChars: number,
  options: { maxOrder: number; order?: number }): NgramBaseline {
  const trainIds = vocab.encode(train);
  const { model, order, selection } = options.order !== undefined
    ? fixedOrder(trainIds, vocab.size, options.order)
    : trainKneserNey(trainIds, vocab.size, { maxOrder: options.maxOrder });
  const metrics = maxChars === 0 || ids.length === 0 ? null
    : completionMetrics((context) => NgramPredictor.after(model, order, context), ids, vocab, { maxChars });
  return {
    model, order, orders: selection?.scores ?? [], trainChars: trainIds.length, nodes: model.counts.nodes,
    natsPerChar: natsPerChar(model, order, ids), metrics,
  };
}

/** An n-gram of the order asked for, counted on all of `ids`, no order chosen. */
function fixedOrder(ids: ArrayLike<number>, vocabSize: number, order: number) {
  return { model: new KneserNey(countNgrams(ids, vocabSize, { maxOrder: order })), order, selection: null };
}

export function ngramJson(b: NgramBaseline) {
  return {
    order: b.order,
    orders: b.orders.map((s) => ({ order: s.order, nats_per_char: s.natsPerChar })),
    train_chars: b.trainChars,
    nodes: b.nodes,
    nats_per_char: b.natsPerChar,
    bits_per_char: bitsPerChar(b.natsPerChar),
    ...metricsJson(b.metrics),
  };
}
