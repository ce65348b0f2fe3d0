import type { KneserNey } from './kneser-ney';
import { runToEnd, type Sliced } from '../threads/slices';

export interface OrderScore {
  order: number;
  /** Mean −ln p(next character) over the text, nats per character. */
  natsPerChar: number;
}

/**
 * The mean loss (nats/char) of every order 1 … model.maxOrder on `ids`, read after
 * `context` (the text before it; only its last maxOrder-1 ids matter, none if empty), in one
 * pass: at each character the trie is walked once, maxOrder look-ups, and each level gives
 * both the order ending there (raw counts) and the lower-order term of the longer ones
 * (continuation counts). A few million characters a second.
 */
export function scoreOrders(model: KneserNey, ids: ArrayLike<number>, context: ArrayLike<number> = []): OrderScore[] {
  return runToEnd(scoringOrders(model, ids, context));
}

/** Characters scored between two pauses of `scoringOrders`. */
const CHARS_PER_SLICE = 4096;

/** scoreOrders as a job that pauses every CHARS_PER_SLICE characters (threads/slices.ts). */
export function* scoringOrders(model: KneserNey, ids: ArrayLike<number>, context: ArrayLike<number> = []): Sliced<OrderScore[]> {
  const { maxOrder, vocabSize: V } = model;
  const sums = new Float64Array(maxOrder + 1);
  let ctx = new Int32Array(maxOrder).fill(-1);
  let next = new Int32Array(maxOrder).fill(-1);
  ctx[0] = 0;
  const read = (w: number, score: boolean) => {
    checkId(w, V);
    next.fill(-1);
    next[0] = 0;
    let lower = 1 / V;
    for (let L = 0; L < maxOrder; L++) {
      const h = ctx[L];
      const hw = h >= 0 ? model.counts.child(h, w) : -1;
      if (score) sums[L + 1] -= Math.log(model.level(h, hw, lower, true));
      if (L + 1 < maxOrder) {
        if (score) lower = model.level(h, hw, lower, false);
        next[L + 1] = hw;
      }
    }
    [ctx, next] = [next, ctx];
  };
  const from = Math.max(0, context.length - (maxOrder - 1));
  for (let i = from; i < context.length; i++) read(context[i], false);
  for (let i = 0; i < ids.length; i++) {
    if (i % CHARS_PER_SLICE === CHARS_PER_SLICE - 1) yield;
    read(ids[i], true);
  }
  const scores: OrderScore[] = [];
  for (let order = 1; order <= maxOrder; order++) scores.push({ order, natsPerChar: sums[order] / ids.length });
  return scores;
}

/** The mean loss (nats/char) of the order-`order` model on `ids` read after `context`. */
export function natsPerChar(model: KneserNey, order: number, ids: ArrayLike<number>, context: ArrayLike<number> = []): number {
  model.checkOrder(order);
  return scoreOrders(model, ids, context)[order - 1].natsPerChar;
}

function checkId(w: number, V: number): void {
  if (!(Number.isInteger(w) && w >= 0 && w < V)) throw new RangeError(`character id ${w} is outside 0 … ${V - 1}`);
}
