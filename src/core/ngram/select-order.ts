import { countNgrams, countingNgrams } from './ngram-counts';
import { KneserNey } from './kneser-ney';
import { scoringOrders, type OrderScore } from './score';
import { runToEnd, type Sliced } from '../threads/slices';

export interface OrderSelection {
  /** The order with the lowest validation loss. */
  order: number;
  /** Validation loss of every order tried, 1 … maxOrder. */
  scores: OrderScore[];
}

export interface SelectOptions {
  /** Longest order tried; default 10. */
  maxOrder?: number;
  /** Shortest order that may be chosen; default 2 (a unigram model is never the one wanted). */
  minOrder?: number;
  /** Node cap of the trie (ngram-counts.ts). */
  maxNodes?: number;
  /** `train`'s model at maxOrder or above, if already made: it is not counted again. */
  model?: KneserNey;
}

/**
 * Counts `train` once up to maxOrder and scores `valid` (read as the text that follows `train`)
 * at every order in one pass; the order with the lowest nats/char wins (the lower one on a tie).
 */
export function selectOrder(train: ArrayLike<number>, valid: ArrayLike<number>, vocabSize: number,
  options: SelectOptions = {}): OrderSelection {
  return runToEnd(selectingOrder(train, valid, vocabSize, options));
}

/** selectOrder as a job that pauses between slices of the counting and the scoring (threads/slices.ts). */
export function* selectingOrder(train: ArrayLike<number>, valid: ArrayLike<number>, vocabSize: number,
  options: SelectOptions = {}): Sliced<OrderSelection> {
  const maxOrder = options.maxOrder ?? 10;
  const minOrder = Math.min(options.minOrder ?? 2, maxOrder);
  if (valid.length === 0) throw new RangeError('order selection needs some validation text');
  if (options.model && options.model.maxOrder < maxOrder) throw new RangeError(`the model given has order ${options.model.maxOrder} < ${maxOrder}`);
  const model = options.model ?? new KneserNey(yield* countingNgrams(train, vocabSize, { maxOrder, maxNodes: options.maxNodes }));
  const scores = (yield* scoringOrders(model, valid, train)).filter((s) => s.order <= maxOrder);
  let best = scores[minOrder - 1];
  for (const s of scores) if (s.order >= minOrder && s.natsPerChar < best.natsPerChar) best = s;
  return { order: best.order, scores };
}

export interface TrainedKneserNey {
  model: KneserNey;
  order: number;
  /** How the order was chosen. */
  selection: OrderSelection;
}

/**
 * A Kneser-Ney model of `ids` whose order is chosen on a split by position: the first
 * 1 - validFraction counts, the rest validates (as splitCorpus splits text). The chosen order
 * is then counted again on all of `ids`, so the model returned has seen the whole text.
 */
export function trainKneserNey(ids: ArrayLike<number>, vocabSize: number,
  options: SelectOptions & { validFraction?: number } = {}): TrainedKneserNey {
  const validFraction = options.validFraction ?? 0.1;
  const cut = ids.length - Math.round(ids.length * validFraction);
  if (cut <= 0 || cut >= ids.length) throw new RangeError(`too little text to choose an order on (${ids.length} chars)`);
  const selection = selectOrder(part(ids, 0, cut), part(ids, cut, ids.length), vocabSize, options);
  const model = new KneserNey(countNgrams(ids, vocabSize, { maxOrder: selection.order, maxNodes: options.maxNodes }));
  return { model, order: selection.order, selection };
}

/** ids[from, to) without a copy when `ids` is a typed array. */
function part(ids: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  const typed = ids as Partial<Int32Array>;
  return typeof typed.subarray === 'function' ? typed.subarray(from, to) : Array.prototype.slice.call(ids, from, to);
}
