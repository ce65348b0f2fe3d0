import type { CharPredictor } from '../eval/predictor';
import type { DocumentCache } from './document-cache';
import { softmax } from '../math/softmax';
import { mixtureBucket } from './mixture-predictor';
import type { TargetProbabilities } from './mixture-weights';
import { runToEnd, type Sliced } from '../threads/slices';

/**
 * Reads `ids` with every model (each having read the text before them already) and keeps, per
 * position, each one's probability of the character that came and the bucket (mixtureBucket): all that fitting and scoring a mixture needs. A document cache among the models
 * is reset at each of `documentStarts` (positions where a new document begins).
 */
export function targetProbabilities(models: CharPredictor[], ids: ArrayLike<number>, bucketModel = 1,
  documentStarts: readonly number[] = []): TargetProbabilities {
  return runToEnd(readingTargetProbabilities(models, ids, bucketModel, documentStarts));
}

/** Positions read between two pauses of `readingTargetProbabilities`. */
const POSITIONS_PER_SLICE = 1024;

/** targetProbabilities as a job that pauses every POSITIONS_PER_SLICE positions (threads/slices.ts). */
export function* readingTargetProbabilities(models: CharPredictor[], ids: ArrayLike<number>, bucketModel = 1,
  documentStarts: readonly number[] = []): Sliced<TargetProbabilities> {
  const n = ids.length;
  const out: TargetProbabilities = { probs: models.map(() => new Float64Array(n)), bucket: new Int32Array(n) };
  const starts = new Set(documentStarts);
  for (let i = 0; i < n; i++) {
    if (i % POSITIONS_PER_SLICE === POSITIONS_PER_SLICE - 1) yield;
    if (starts.has(i)) for (const m of models) (m as Partial<DocumentCache>).reset?.();
    const id = ids[i];
    // The n-grams' one probability, not their whole distribution: V × order look-ups a position
    // made a CJK workspace's n-gram take minutes.
    models.forEach((m, k) => { out.probs[k][i] = m.probability ? m.probability(id) : softmax(m.scores())[id]; });
    out.bucket[i] = mixtureBucket(models, bucketModel);
    for (const m of models) m.step(id);
  }
  return out;
}

/** Positions [from, to) of `t`, without copies; `models` picks and orders the models kept. */
export function slicePositions(t: TargetProbabilities, from: number, to: number, models?: number[]): TargetProbabilities {
  const probs = (models ?? t.probs.map((_, k) => k)).map((k) => t.probs[k].subarray(from, to));
  return { probs, bucket: t.bucket.subarray(from, to) };
}
