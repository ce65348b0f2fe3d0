import { KneserNey } from '../ngram/kneser-ney';
import { ngramFromTensors, ngramTensors } from './ngram-tensors';
import { MixtureWeights } from '../mix/mixture-weights';
import { mixtureBuckets } from '../mix/mixture-predictor';
import { MIXTURE_MODELS, type WorkspaceMixture } from '../mix/workspace-mixture';
import { ModelFileError, type IntTensor } from './safetensors';

/**
 * A WorkspaceMixture inside a model file: the n-gram's counts as I32 tensors `ngram.*`
 * (ngram-tensors.ts) and, in the metadata string "mixture", JSON:
 *   order        the n-gram's order (its counts go up to it)
 *   capped       whether the node cap left n-grams out
 *   cache_order  the document caches' order the weights were fitted with
 *   shares       [bucket (mixtureBucket)][model] weights, models in MIXTURE_MODELS' order, each row summing to 1
 *   valid        { lstm, ngram, mixture, chars }: validation nats/char at the same positions
 */
export function mixtureEntries(mixture: WorkspaceMixture, vocabSize: number): { metadata: string; ints: Record<string, IntTensor> } {
  // The file keeps one order: the counts must go exactly up to the order used.
  if (mixture.ngram.maxOrder !== mixture.order) throw new Error(`the n-gram counts order ${mixture.ngram.maxOrder}, not ${mixture.order}`);
  if (mixture.ngram.vocabSize !== vocabSize) throw new Error(`the n-gram has ${mixture.ngram.vocabSize} character ids, the model ${vocabSize}`);
  const metadata = JSON.stringify({
    order: mixture.order,
    capped: mixture.ngram.counts.capped,
    cache_order: mixture.cacheOrder,
    shares: mixture.weights.shares.map((row) => [...row]),
    valid: mixture.valid,
  });
  return { metadata, ints: ngramTensors(mixture.ngram.counts) };
}

/** The mixture saved in a model file, checked; a ModelFileError says what is wrong. */
export function readMixture(metadata: string, ints: Record<string, IntTensor>, vocabSize: number): WorkspaceMixture {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(metadata) as Record<string, unknown>;
  } catch {
    throw new ModelFileError('metadata "mixture" is not valid JSON');
  }
  if (typeof json !== 'object' || json === null) throw new ModelFileError('metadata "mixture" is not an object');
  const { order, capped, cache_order: cacheOrder, shares, valid } = json;
  const wholeIn = (x: unknown, lo: number, hi: number): x is number => Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi;
  if (!wholeIn(order, 1, 255)) throw new ModelFileError(`the mixture's n-gram order ${JSON.stringify(order)} is not a whole number from 1 to 255`);
  if (!wholeIn(cacheOrder, 1, 255)) throw new ModelFileError(`the mixture's cache order ${JSON.stringify(cacheOrder)} is not a whole number from 1 to 255`);
  const ngram = new KneserNey(ngramFromTensors(ints, vocabSize, order, capped as boolean));
  return {
    ngram, order, cacheOrder,
    weights: new MixtureWeights(checkShares(shares, mixtureBuckets(order))),
    valid: checkValid(valid),
  };
}

/** One row of MIXTURE_MODELS.length positive weights summing to 1 per bucket (mixtureBucket). */
function checkShares(shares: unknown, buckets: number): Float64Array[] {
  const K = MIXTURE_MODELS.length;
  if (!Array.isArray(shares) || shares.length !== buckets) {
    throw new ModelFileError(`the mixture's weights need ${buckets} rows (two per n-gram context length)`);
  }
  return shares.map((row: unknown, b) => {
    if (!Array.isArray(row) || row.length !== K || !row.every((x) => typeof x === 'number' && x > 0 && x <= 1)) {
      throw new ModelFileError(`the mixture's weights in row ${b} are not ${K} numbers in (0, 1]`);
    }
    const sum = (row as number[]).reduce((a, x) => a + x, 0);
    if (Math.abs(sum - 1) > 1e-6) throw new ModelFileError(`the mixture's weights in row ${b} sum to ${sum}, not 1`);
    return Float64Array.from(row as number[]);
  });
}

function checkValid(valid: unknown): WorkspaceMixture['valid'] {
  const v = valid as Record<string, unknown> | null;
  const fields = ['lstm', 'ngram', 'mixture', 'chars'] as const;
  if (typeof v !== 'object' || v === null || !fields.every((f) => typeof v[f] === 'number' && Number.isFinite(v[f]) && (v[f] as number) >= 0)) {
    throw new ModelFileError('the mixture\'s validation losses are missing or not numbers ≥ 0');
  }
  return { lstm: v.lstm as number, ngram: v.ngram as number, mixture: v.mixture as number, chars: v.chars as number };
}
