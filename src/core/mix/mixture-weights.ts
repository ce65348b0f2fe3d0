/**
 * How much to trust each model of a mixture (the LSTM, the workspace n-gram, the document cache),
 * per bucket of the n-gram's confidence (the length of its longest context seen in training,
 * 0 … order-1): where the n-gram has seen a long context (a repeated identifier, a line of
 * boilerplate) it is sharp and often right; where it has not, the LSTM's generalisation is worth
 * more.
 *
 *   p(w) = Σ_k λ_{b,k} · p_k(w),   Σ_k λ_{b,k} = 1,   b = the bucket of the position
 *
 * λ is fitted by expectation-maximisation on held-out text (the likelihood is concave in each
 * bucket's λ, so EM climbs to its maximum): each position's posterior share of each model,
 * averaged over its bucket.
 */
export class MixtureWeights {
  /** `shares[b][k]`: model k's weight in bucket b. */
  constructor(readonly shares: Float64Array[]) {}

  /** Equal shares everywhere: where EM starts. */
  static even(buckets: number, models: number): MixtureWeights {
    return new MixtureWeights(Array.from({ length: buckets }, () => new Float64Array(models).fill(1 / models)));
  }

  /** Model count. */
  get models(): number {
    return this.shares[0].length;
  }

  at(bucket: number): Float64Array {
    return this.shares[Math.min(bucket, this.shares.length - 1)];
  }
}

/** Per held-out position: each model's probability of the character that came (`probs[k][i]`), and the bucket. */
export interface TargetProbabilities {
  probs: Float64Array[];
  bucket: Int32Array;
}

/** Shares stay above this: a model that is never trusted could not be recovered by EM. */
const MIN_SHARE = 1e-3;

/**
 * Weights per bucket maximising Σ log Σ_k λ_{b,k} p_k over the positions given, by EM
 * (`iterations` rounds). A bucket with no positions gets the overall shares.
 */
export function fitMixtureWeights(targets: TargetProbabilities, buckets: number, iterations = 50): MixtureWeights {
  const { probs, bucket } = targets;
  const K = probs.length, n = bucket.length;
  const weights = MixtureWeights.even(buckets, K);
  const r = new Float64Array(K);
  for (let it = 0; it < iterations; it++) {
    const posterior = Array.from({ length: buckets }, () => new Float64Array(K));
    const count = new Float64Array(buckets);
    const overall = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      const b = Math.min(bucket[i], buckets - 1), w = weights.shares[b];
      let sum = 0;
      for (let k = 0; k < K; k++) sum += r[k] = w[k] * probs[k][i];
      for (let k = 0; k < K; k++) {
        posterior[b][k] += r[k] / sum;
        overall[k] += r[k] / sum;
      }
      count[b]++;
    }
    for (let b = 0; b < buckets; b++) {
      const source = count[b] > 0 ? posterior[b] : overall;
      const total = count[b] > 0 ? count[b] : Math.max(n, 1);
      weights.shares[b] = normalised(source.map((x) => Math.max(MIN_SHARE, x / total)));
    }
  }
  return weights;
}

/** Mean -log Σ_k λ_k p_k at the positions given, nats/char. */
export function mixtureNatsPerChar(targets: TargetProbabilities, weights: MixtureWeights): number {
  const { probs, bucket } = targets;
  let nats = 0;
  for (let i = 0; i < bucket.length; i++) {
    const w = weights.at(bucket[i]);
    let p = 0;
    for (let k = 0; k < probs.length; k++) p += w[k] * probs[k][i];
    nats -= Math.log(p);
  }
  return nats / bucket.length;
}

function normalised(x: Float64Array): Float64Array {
  const sum = x.reduce((a, b) => a + b, 0);
  return x.map((v) => v / sum);
}
