import type { CharPredictor } from '../eval/predictor';
import type { NgramPredictor } from '../ngram/ngram-predictor';
import type { MixtureWeights } from './mixture-weights';

/**
 * The LSTM and the n-gram mixed (mixture-weights.ts) as one CharPredictor: its scores are the
 * mixture's natural-log probabilities. `lstm` scores are logits (softmaxed here); the n-gram's
 * are log-probabilities.
 */
export class MixturePredictor implements CharPredictor {
  readonly vocabSize: number;
  private cached: Float64Array | null = null;

  constructor(readonly lstm: CharPredictor, readonly ngram: NgramPredictor, readonly weights: MixtureWeights) {
    if (lstm.vocabSize !== ngram.vocabSize) throw new RangeError(`vocabularies differ: ${lstm.vocabSize} vs ${ngram.vocabSize} ids`);
    this.vocabSize = lstm.vocabSize;
  }

  scores(): Float64Array {
    this.cached ??= mix(softmax(this.lstm.scores()), this.ngram.scores(), this.weights.shareAt(this.ngram.matchedContext()));
    return this.cached;
  }

  step(id: number): void {
    this.lstm.step(id);
    this.ngram.step(id);
    this.cached = null;
  }

  clone(): MixturePredictor {
    return new MixturePredictor(this.lstm.clone(), this.ngram.clone(), this.weights);
  }
}

/** Probabilities from logits, in float64. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const p = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += p[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < p.length; i++) p[i] /= sum;
  return p;
}

/** log(share · p + (1 - share) · exp(logQ)), elementwise. */
function mix(p: Float64Array, logQ: ArrayLike<number>, share: number): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = Math.log(share * p[i] + (1 - share) * Math.exp(logQ[i]));
  return out;
}
