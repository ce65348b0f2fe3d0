import type { Vocab } from '../core/data/vocab';
import type { CharModel } from '../core/model/char-model';
import { completionMetrics, type CompletionMetrics } from '../core/eval/completion-metrics';
import { LstmPredictor } from '../core/eval/lstm-predictor';
import type { CharPredictor } from '../core/eval/predictor';
import {
  crossFitMixture, DocumentCache, MixturePredictor, slicePositions, targetProbabilities, type CrossFit, type TargetProbabilities,
} from '../core/mix';
import { NgramPredictor } from '../core/ngram/ngram-predictor';
import { mixtureBuckets } from '../core/mix/mixture-predictor';
import type { NgramBaseline } from './eval-measures';
import { metricsJson } from './eval-measures';
import { bitsPerChar } from './progress';

/** The models of a mixture, in order: the LSTM, the workspace n-gram, and (with a cache) the document's own n-gram. */
const NAMES = ['lstm', 'ngram', 'cache'] as const;

export interface MixtureMeasure {
  /** How many of NAMES are mixed: 2 (LSTM + n-gram) or 3 (and the document cache). */
  models: 2 | 3;
  fit: CrossFit;
  metrics: CompletionMetrics | null;
}

/**
 * The LSTM and the n-gram mixed (src/core/mix), without and with a cache of the document being
 * read, measured on `ids` read as one stream after a line end (the cache starting afresh at each
 * of `documentStarts`), their weights cross-fitted on the two halves of `ids`; the completion
 * figures use, at each slice, the weights fitted on the other half.
 */
export function mixtureMeasures(model: CharModel, vocab: Vocab, ngram: NgramBaseline, ids: ArrayLike<number>,
  documentStarts: readonly number[], maxChars: number,
  targets = mixtureTargets(model, vocab, ngram, ids, documentStarts)): MixtureMeasure[] {
  return ([2, 3] as const).map((models) => {
    const kept = NAMES.slice(0, models).map((_, k) => k);
    const fit = crossFitMixture(slicePositions(targets, 0, ids.length, kept), mixtureBuckets(ngram.order));
    const metrics = maxChars === 0 || ids.length === 0 ? null : completionMetrics((context, at) => {
      const parts: CharPredictor[] = [LstmPredictor.after(model, context), NgramPredictor.after(ngram.model, ngram.order, context)];
      if (models === 3) parts.push(cacheAt(vocab.size, ids, at, documentStarts));
      return new MixturePredictor(parts, fit.weightsFor(at));
    }, ids, vocab, { maxChars });
    return { models, fit, metrics };
  });
}

/**
 * Per position of `ids`, the probability the LSTM, the n-gram and the document cache (in NAMES'
 * order) give the character there, each having read everything before it (after a line end).
 */
export function mixtureTargets(model: CharModel, vocab: Vocab, ngram: NgramBaseline, ids: ArrayLike<number>,
  documentStarts: readonly number[]): TargetProbabilities {
  const lineEnd = [vocab.id('\n')];
  return targetProbabilities([LstmPredictor.after(model, lineEnd), NgramPredictor.after(ngram.model, ngram.order, lineEnd),
    cacheAt(vocab.size, ids, 0, documentStarts)], ids, 1, documentStarts);
}

/** A document cache that has read the document holding position `at` up to it. */
function cacheAt(vocabSize: number, ids: ArrayLike<number>, at: number, documentStarts: readonly number[]): DocumentCache {
  const cache = new DocumentCache(vocabSize);
  const start = Math.max(0, ...documentStarts.filter((s) => s <= at));
  for (let i = start; i < at; i++) cache.step(ids[i]);
  return cache;
}

export function mixtureJson({ models, fit, metrics }: MixtureMeasure) {
  const shares = (w: { shares: Float64Array[] }) => w.shares.map((s) => [...s].map((x) => Number(x.toFixed(4))));
  return {
    models: NAMES.slice(0, models),
    nats_per_char: fit.natsPerChar,
    bits_per_char: bitsPerChar(fit.natsPerChar),
    // Each model alone at the same positions, read as one stream.
    alone_nats_per_char: Object.fromEntries(fit.modelNatsPerChar.map((x, k) => [NAMES[k], x])),
    // [bucket (the n-gram's matched context length)][model] weights, fitted on each half.
    shares_by_context: { fitted_on_first_half: shares(fit.fittedOnFirst), fitted_on_second_half: shares(fit.fittedOnSecond) },
    ...metricsJson(metrics),
  };
}

/** "LSTM 1.444, n-gram 1.517, cache 3.1": each model alone, as the mixture measured them. */
export function describeAlone(fit: CrossFit): string {
  const label = { lstm: 'LSTM', ngram: 'n-gram', cache: 'document cache' };
  return fit.modelNatsPerChar.map((x, k) => `${x.toFixed(3)} (${label[NAMES[k]]})`).join(', ');
}
