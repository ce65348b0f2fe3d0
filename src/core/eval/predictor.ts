/**
 * Anything that predicts the next character of a text it reads one character id at a time:
 * the LSTM (lstm-predictor.ts) and the Kneser-Ney n-gram (ngram/ngram-predictor.ts). The
 * completion metrics only rank its scores, so logits and log-probabilities both do.
 */
export interface CharPredictor {
  /** Ids are 0 … vocabSize-1 (a Vocab's ids, the unknown id last). */
  readonly vocabSize: number;
  /**
   * Scores of each next id, given what was read so far: larger = likelier (natural-log
   * probabilities or logits). Read-only, and valid until the next `step`.
   */
  scores(): Float32Array | Float64Array;
  /**
   * The probability that `id` comes next, softmax(scores())[id], where a model can give it without
   * the whole distribution (the n-grams: order look-ups instead of V × order, which with a CJK
   * vocabulary of 20,000 characters is the difference between a second and minutes).
   */
  probability?(id: number): number;
  /** Reads one character id. */
  step(id: number): void;
  /** An independent copy that continues from here. */
  clone(): CharPredictor;
}

/**
 * The id a greedy completion would write next: the highest score, never `unknownId` (it would
 * print U+FFFD), the lowest id on a tie, as CompletionEngine picks.
 */
export function greedyId(scores: ArrayLike<number>, unknownId: number): number {
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    const x = scores[i];
    if (Number.isNaN(x)) throw new Error(`score ${i} is NaN`);
    if (i !== unknownId && x > bestScore) {
      bestScore = x;
      best = i;
    }
  }
  if (best < 0) throw new Error('no id can be chosen: every score is -Infinity');
  return best;
}
