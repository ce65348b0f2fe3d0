import type { Vocab } from '../data/vocab';
import type { CharModel } from '../model/char-model';
import { evaluate } from '../eval/evaluate';
import { DEFAULT_TRAIN_CONFIG } from './config';
import { countingNgrams } from '../ngram/ngram-counts';
import { KneserNey } from '../ngram/kneser-ney';
import { NgramPredictor } from '../ngram/ngram-predictor';
import { selectingOrder } from '../ngram/select-order';
import { runInSlices, runToEnd, type Sliced } from '../threads/slices';
import { DocumentCache } from '../mix/document-cache';
import { fitMixtureWeights, mixtureNatsPerChar, type TargetProbabilities } from '../mix/mixture-weights';
import { readingTargetProbabilities } from '../mix/target-probabilities';
import { meanNats } from '../mix/cross-fit';
import { mixtureBuckets } from '../mix/mixture-predictor';
import type { WorkspaceMixture } from '../mix/workspace-mixture';

/**
 * Node cap of a workspace n-gram: it is loaded into the editor with the model, at 50-65 bytes
 * a node in memory and 16 in the file, so 2 million nodes are ≤ 130 MB and a 32 MB file. A
 * workspace of up to ~0.7 MB fits whole at order 10, ~2 MB at order 7; a larger one keeps the
 * n-grams of its text's end (ngram-counts.ts).
 */
export const WORKSPACE_NGRAM_NODES = 2_000_000;
/**
 * The n-gram reads at most this many of the text's last characters: past ~2 MB a capped trie
 * only counts what it already holds, and 8 M characters keep a 50 MB workspace's n-gram to
 * seconds rather than minutes.
 */
export const WORKSPACE_NGRAM_CHARS = 8_000_000;
/** The document caches' order (document-cache.ts): the one the weights are fitted with. */
const CACHE_ORDER = 6;

/**
 * What fitting a workspace mixture needs besides the LSTM, made once per training run: the
 * n-gram of the training text (order chosen on the validation text) and its and a document
 * cache's probabilities of each validation character, then the n-gram of the whole text that
 * is saved with the model.
 */
export interface MixtureBasis {
  /** The n-gram of all the text (training and validation), at the chosen order. */
  ngram: KneserNey;
  order: number;
  /** Per validation character: the training-text n-gram's and the cache's probabilities, and the bucket. */
  targets: TargetProbabilities;
  /** Whether the node cap stopped the n-gram from holding every n-gram of the text. */
  capped: boolean;
}

export interface MixtureBasisInput {
  trainIds: ArrayLike<number>;
  /** The validation text, read as following `trainIds`. */
  validIds: ArrayLike<number>;
  vocabSize: number;
  /** Positions in `validIds` where a file starts: the cache forgets there. */
  validDocumentStarts: readonly number[];
  maxNodes?: number;
  maxOrder?: number;
  /** The n-gram reads at most this many characters of the text's end; default WORKSPACE_NGRAM_CHARS. */
  maxChars?: number;
}

/**
 * Chooses the n-gram's order on the validation text, scores it there with a document cache beside
 * it, and counts the whole text at that order. Measured here: ~2 s for 1 MB of text.
 */
export function mixtureBasis(input: MixtureBasisInput): MixtureBasis {
  return runToEnd(buildingMixtureBasis(input));
}

/**
 * mixtureBasis as a job that pauses every few thousand characters (threads/slices.ts). Its cost
 * is proportional to the text, not to text × vocabulary: only the n-grams and cache entries that
 * occur are looked up, so 120 k characters of 20,000 distinct CJK ones take about what English does.
 */
export function* buildingMixtureBasis(input: MixtureBasisInput): Sliced<MixtureBasis> {
  const { validIds, vocabSize } = input;
  const maxNodes = input.maxNodes ?? WORKSPACE_NGRAM_NODES;
  const maxOrder = input.maxOrder ?? 10;
  const maxChars = input.maxChars ?? WORKSPACE_NGRAM_CHARS;
  const trainIds = lastOf(input.trainIds, maxChars);
  const trainCounts = yield* countingNgrams(trainIds, vocabSize, { maxOrder, maxNodes });
  const onTrain = new KneserNey(trainCounts);
  const { order } = yield* selectingOrder(trainIds, validIds, vocabSize, { maxOrder, maxNodes, model: onTrain });
  const ngram = NgramPredictor.after(onTrain, order, tail(trainIds, order));
  const targets = yield* readingTargetProbabilities([ngram, new DocumentCache(vocabSize, CACHE_ORDER)], validIds, 0,
    input.validDocumentStarts);
  const all = concat(lastOf(trainIds, Math.max(0, maxChars - validIds.length)), lastOf(validIds, maxChars));
  const counts = yield* countingNgrams(all, vocabSize, { maxOrder: order, maxNodes });
  return { ngram: new KneserNey(counts), order, targets, capped: counts.capped };
}

/**
 * mixtureBasis of a corpus split as training splits it (the validation text cut to
 * `maxValidChars`, as the trainer cuts it, so the positions match the LSTM's), with the n-gram's
 * validation loss alone, nats/char. `documentStarts`: where each file starts in the whole text.
 * Built in slices that let the event loop run, so `signal` stops it within SLICE_MS (its
 * AbortError is thrown).
 */
export async function corpusMixtureBasis(vocab: Vocab, texts: { train: string; valid: string }, documentStarts: readonly number[],
  maxValidChars: number, options: Pick<MixtureBasisInput, 'maxOrder' | 'maxNodes'> = {},
  signal?: AbortSignal): Promise<MixtureBasis & { ngramValidLoss: number }> {
  const trainIds = vocab.encode(texts.train);
  const validIds = vocab.encode(texts.valid).subarray(0, maxValidChars);
  const validDocumentStarts = documentStarts.map((s) => s - trainIds.length).filter((s) => s >= 0 && s < validIds.length);
  const basis = await runInSlices(buildingMixtureBasis({ trainIds, validIds, vocabSize: vocab.size, validDocumentStarts, ...options }), signal);
  return { ...basis, ngramValidLoss: meanNats(basis.targets.probs[0]) };
}

/**
 * The mixture of an already trained `model` with the n-gram of `texts` (as a training run would
 * have saved it): the LSTM's validation probabilities from the trainer's own batched `evaluate`.
 */
export async function mixtureForModel(model: CharModel, vocab: Vocab, texts: { train: string; valid: string },
  documentStarts: readonly number[], maxValidChars: number, options: Pick<MixtureBasisInput, 'maxOrder' | 'maxNodes'> = {},
  signal?: AbortSignal): Promise<WorkspaceMixture> {
  const basis = await corpusMixtureBasis(vocab, texts, documentStarts, maxValidChars, options, signal);
  const validIds = vocab.encode(texts.valid).subarray(0, maxValidChars);
  const probs = new Float64Array(validIds.length).fill(NaN);
  await evaluate(model, validIds, DEFAULT_TRAIN_CONFIG.batch, DEFAULT_TRAIN_CONFIG.seqLen, signal, probs);
  return fitWorkspaceMixture(basis, probs);
}

/**
 * The mixture for a checkpoint: weights over [LSTM, n-gram, cache] fitted by EM on the validation
 * characters the LSTM predicted (`lstmProbs[i]` for validation character i, NaN where it did
 * not), with each model's loss alone and mixed at those positions. The weights are few (three per
 * bucket), so fitting and measuring on the same positions flatters the mixture very little.
 */
export function fitWorkspaceMixture(basis: MixtureBasis, lstmProbs: Float64Array): WorkspaceMixture {
  const { targets } = basis;
  const kept: number[] = [];
  for (let i = 0; i < lstmProbs.length && i < targets.bucket.length; i++) if (lstmProbs[i] > 0) kept.push(i);
  if (kept.length === 0) throw new RangeError('the LSTM predicted no validation character to fit a mixture on');
  const at = (p: ArrayLike<number>) => Float64Array.from(kept, (i) => p[i]);
  const fitOn: TargetProbabilities = {
    probs: [at(lstmProbs), ...targets.probs.map(at)],
    bucket: Int32Array.from(kept, (i) => targets.bucket[i]),
  };
  const weights = fitMixtureWeights(fitOn, mixtureBuckets(basis.order));
  const alone = (k: number) => meanNats(fitOn.probs[k]);
  return {
    ngram: basis.ngram, order: basis.order, weights, cacheOrder: CACHE_ORDER,
    valid: { lstm: alone(0), ngram: alone(1), mixture: mixtureNatsPerChar(fitOn, weights), chars: kept.length },
  };
}

/** The last `n` ids, a view where `ids` is a typed array. */
function lastOf(ids: ArrayLike<number>, n: number): ArrayLike<number> {
  if (ids.length <= n) return ids;
  const typed = ids as Partial<Int32Array>;
  return typeof typed.subarray === 'function' ? typed.subarray(ids.length - n) : tail(ids, n);
}

/** The last `n` ids. */
function tail(ids: ArrayLike<number>, n: number): number[] {
  return Array.prototype.slice.call(ids, Math.max(0, ids.length - n)) as number[];
}

function concat(a: ArrayLike<number>, b: ArrayLike<number>): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
