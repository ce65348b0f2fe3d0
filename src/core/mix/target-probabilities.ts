import type { CharPredictor } from '../eval/predictor';
import type { NgramPredictor } from '../ngram/ngram-predictor';
import { softmax } from './mixture-predictor';
import type { TargetProbabilities } from './mixture-weights';

/**
 * Reads `ids` with both predictors (each having read the text before them already) and keeps,
 * per position, each one's probability of the character that came and the n-gram's matched
 * context length: all that fitting and scoring a mixture needs. One LSTM step and one n-gram
 * distribution per character.
 */
export function targetProbabilities(lstm: CharPredictor, ngram: NgramPredictor, ids: ArrayLike<number>): TargetProbabilities {
  const n = ids.length;
  const out: TargetProbabilities = { lstm: new Float64Array(n), ngram: new Float64Array(n), bucket: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    out.lstm[i] = softmax(lstm.scores())[id];
    out.ngram[i] = Math.exp(ngram.scores()[id]);
    out.bucket[i] = ngram.matchedContext();
    lstm.step(id);
    ngram.step(id);
  }
  return out;
}

/** Positions [from, to) of `t`, without copies. */
export function slicePositions(t: TargetProbabilities, from: number, to: number): TargetProbabilities {
  return { lstm: t.lstm.subarray(from, to), ngram: t.ngram.subarray(from, to), bucket: t.bucket.subarray(from, to) };
}
