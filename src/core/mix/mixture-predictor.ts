import type { CharPredictor } from '../eval/predictor';
import { softmax } from '../math/softmax';
import type { MixtureWeights } from './mixture-weights';

/**
 * Models mixed (mixture-weights.ts) as one CharPredictor: its scores are the mixture's
 * natural-log probabilities. Each model's scores are softmaxed, so logits (the LSTM's) and
 * log-probabilities (the n-grams') both do. The model at `bucketModel` (the workspace n-gram)
 * says which weights apply now: the length of its matched context.
 */
export class MixturePredictor implements CharPredictor {
  readonly vocabSize: number;
  private cached: Float64Array | null = null;

  constructor(readonly models: CharPredictor[], readonly weights: MixtureWeights, readonly bucketModel = 1) {
    if (models.length !== weights.models) throw new RangeError(`${models.length} models but weights for ${weights.models}`);
    if (!hasContext(models[bucketModel])) throw new RangeError(`model ${bucketModel} has no matched context to bucket by`);
    this.vocabSize = models[0].vocabSize;
    if (models.some((m) => m.vocabSize !== this.vocabSize)) throw new RangeError('the models\' vocabularies differ');
  }

  scores(): Float64Array {
    if (this.cached) return this.cached;
    const w = this.weights.at(mixtureBucket(this.models, this.bucketModel));
    const p = new Float64Array(this.vocabSize);
    this.models.forEach((m, k) => {
      const q = softmax(m.scores());
      for (let i = 0; i < p.length; i++) p[i] += w[k] * q[i];
    });
    for (let i = 0; i < p.length; i++) p[i] = Math.log(p[i]);
    return (this.cached = p);
  }

  step(id: number): void {
    for (const m of this.models) m.step(id);
    this.cached = null;
  }

  clone(): MixturePredictor {
    return new MixturePredictor(this.models.map((m) => m.clone()), this.weights, this.bucketModel);
  }
}

/** A model that says how long a context it has seen (NgramPredictor, DocumentCache). */
export interface ContextMatcher {
  matchedContext(): number;
  /** Its n-gram order: matched contexts are 0 … order-1 long. */
  readonly order: number;
}

/**
 * Buckets of a mixture whose n-gram has order `order`: one per length of its matched context,
 * and as many again for where the document cache has matched a longer one.
 */
export function mixtureBuckets(order: number): number {
  return 2 * order;
}

/**
 * Which weights apply now: the length L of the context the n-gram at `bucketModel` has seen
 * (0 … order-1; a long one means it knows this place well), plus its order where another model
 * that matches contexts (the document cache) has seen a longer one than the n-gram — there the
 * document knows something the training text did not (a name defined above), and the cache
 * deserves a weight the n-gram's confidence alone cannot tell.
 */
export function mixtureBucket(models: readonly CharPredictor[], bucketModel: number): number {
  const ngram = models[bucketModel] as unknown as ContextMatcher;
  const L = ngram.matchedContext();
  const longer = models.some((m, k) => k !== bucketModel && hasContext(m) && (m as unknown as ContextMatcher).matchedContext() > L);
  return longer ? L + ngram.order : L;
}

function hasContext(m: CharPredictor | undefined): boolean {
  return typeof (m as Partial<ContextMatcher> | undefined)?.matchedContext === 'function';
}
