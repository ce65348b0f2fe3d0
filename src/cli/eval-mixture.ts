import type { Vocab } from '../core/data/vocab';
import type { CharModel } from '../core/model/char-model';
import { completionMetrics, type CompletionMetrics } from '../core/eval/completion-metrics';
import { LstmPredictor } from '../core/eval/lstm-predictor';
import { crossFitMixture, MixturePredictor, targetProbabilities, type CrossFit } from '../core/mix';
import { NgramPredictor } from '../core/ngram/ngram-predictor';
import type { NgramBaseline } from './eval-measures';
import { metricsJson } from './eval-measures';
import { bitsPerChar } from './progress';

export interface MixtureMeasure {
  fit: CrossFit;
  metrics: CompletionMetrics | null;
}

/**
 * The LSTM and the n-gram mixed (src/core/mix), measured on `ids` read as one stream after a line
 * end, its weights cross-fitted on the two halves of `ids`; the completion figures use, at each
 * slice, the weights fitted on the other half.
 */
export function mixtureMeasure(model: CharModel, vocab: Vocab, ngram: NgramBaseline, ids: ArrayLike<number>,
  maxChars: number): MixtureMeasure {
  const lineEnd = [vocab.id('\n')];
  const targets = targetProbabilities(LstmPredictor.after(model, lineEnd), NgramPredictor.after(ngram.model, ngram.order, lineEnd), ids);
  const fit = crossFitMixture(targets, ngram.order);
  const metrics = maxChars === 0 || ids.length === 0 ? null : completionMetrics((context, at) => new MixturePredictor(
    LstmPredictor.after(model, context), NgramPredictor.after(ngram.model, ngram.order, context), fit.weightsFor(at)), ids, vocab, { maxChars });
  return { fit, metrics };
}

export function mixtureJson({ fit, metrics }: MixtureMeasure) {
  const shares = (w: { lstmShare: Float64Array }) => [...w.lstmShare].map((x) => Number(x.toFixed(4)));
  return {
    nats_per_char: fit.natsPerChar,
    bits_per_char: bitsPerChar(fit.natsPerChar),
    lstm_nats_per_char: fit.lstmNatsPerChar,
    ngram_nats_per_char: fit.ngramNatsPerChar,
    lstm_share_by_context: { fitted_on_first_half: shares(fit.fittedOnFirst), fitted_on_second_half: shares(fit.fittedOnSecond) },
    ...metricsJson(metrics),
  };
}
