/**
 * How much to trust the LSTM against the n-gram, per bucket of the n-gram's confidence (the
 * length of the longest context it has seen, 0 … order-1): where the n-gram has seen a long
 * context (a repeated identifier, a line of boilerplate) it is sharp and often right; where it
 * has not, the LSTM's generalisation is worth more.
 *
 *   p(w) = λ_b · p_lstm(w) + (1 - λ_b) · p_ngram(w),   b = the n-gram's matched context length
 *
 * λ_b is fitted by expectation-maximisation on held-out text (the mixture's likelihood is
 * concave in each λ_b, so EM climbs to its maximum): each position's posterior share of the
 * LSTM, averaged over its bucket.
 */
export class MixtureWeights {
  /** λ per bucket: the LSTM's share, in (0, 1). */
  constructor(readonly lstmShare: Float64Array) {}

  /** Equal shares everywhere: where EM starts. */
  static even(buckets: number): MixtureWeights {
    return new MixtureWeights(new Float64Array(buckets).fill(0.5));
  }

  shareAt(bucket: number): number {
    return this.lstmShare[Math.min(bucket, this.lstmShare.length - 1)];
  }
}

/** Per held-out position: each model's probability of the character that came, and the bucket. */
export interface TargetProbabilities {
  lstm: Float64Array;
  ngram: Float64Array;
  bucket: Int32Array;
}

/** Shares are kept inside [MIN_SHARE, 1 - MIN_SHARE]: a model that is never trusted cannot be recovered by EM. */
const MIN_SHARE = 1e-3;

/**
 * λ per bucket maximising Σ log(λ_b p_lstm + (1-λ_b) p_ngram) over the positions given, by EM
 * (`iterations` rounds). A bucket with no positions keeps the overall share.
 */
export function fitMixtureWeights(targets: TargetProbabilities, buckets: number, iterations = 50): MixtureWeights {
  const { lstm, ngram, bucket } = targets;
  const share = new Float64Array(buckets).fill(0.5);
  let overall = 0.5;
  for (let it = 0; it < iterations; it++) {
    const posterior = new Float64Array(buckets);
    const count = new Float64Array(buckets);
    let sum = 0;
    for (let i = 0; i < lstm.length; i++) {
      const b = Math.min(bucket[i], buckets - 1);
      const a = share[b] * lstm[i];
      const r = a / (a + (1 - share[b]) * ngram[i]);
      posterior[b] += r;
      count[b]++;
      sum += r;
    }
    overall = lstm.length > 0 ? sum / lstm.length : 0.5;
    for (let b = 0; b < buckets; b++) share[b] = clampShare(count[b] > 0 ? posterior[b] / count[b] : overall);
  }
  return new MixtureWeights(share);
}

/** Mean -log p of the mixture at the positions given, nats/char. */
export function mixtureNatsPerChar(targets: TargetProbabilities, weights: MixtureWeights): number {
  const { lstm, ngram, bucket } = targets;
  let nats = 0;
  for (let i = 0; i < lstm.length; i++) {
    const w = weights.shareAt(bucket[i]);
    nats -= Math.log(w * lstm[i] + (1 - w) * ngram[i]);
  }
  return nats / lstm.length;
}

function clampShare(x: number): number {
  return Math.min(1 - MIN_SHARE, Math.max(MIN_SHARE, x));
}
