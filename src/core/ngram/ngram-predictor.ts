import type { CharPredictor } from '../eval/predictor';
import type { KneserNey } from './kneser-ney';

/**
 * An order-`order` Kneser-Ney model as a CharPredictor: its state is the trie node of each of the
 * last 0 … order-1 characters, so a step is order-1 look-ups and a whole distribution
 * (`scores`, natural-log probabilities) V × order look-ups, computed once per position.
 */
export class NgramPredictor implements CharPredictor {
  readonly vocabSize: number;
  /** contexts[L] = node of the last L characters read, -1 when not in the trie. */
  private readonly contexts: Int32Array;
  private cached: Float64Array | null = null;

  constructor(readonly model: KneserNey, readonly order = model.maxOrder, contexts?: Int32Array) {
    model.checkOrder(order);
    this.vocabSize = model.vocabSize;
    this.contexts = contexts ? contexts.slice() : new Int32Array(order).fill(-1);
    this.contexts[0] = 0;
  }

  /** A predictor that has read `context`. */
  static after(model: KneserNey, order: number, context: ArrayLike<number>): NgramPredictor {
    const predictor = new NgramPredictor(model, order);
    for (let i = Math.max(0, context.length - (order - 1)); i < context.length; i++) predictor.step(context[i]);
    return predictor;
  }

  scores(): Float64Array {
    this.cached ??= this.model.logProbsAt(this.contexts, this.order);
    return this.cached;
  }

  /** softmax(scores())[id] (the same number up to rounding) in order look-ups rather than V × order. */
  probability(id: number): number {
    return this.model.probability(this.contexts, this.order, id);
  }

  step(id: number): void {
    if (!(Number.isInteger(id) && id >= 0 && id < this.vocabSize)) {
      throw new RangeError(`character id ${id} is outside 0 … ${this.vocabSize - 1}`);
    }
    const { contexts } = this;
    for (let L = this.order - 1; L >= 1; L--) {
      const h = contexts[L - 1];
      contexts[L] = h >= 0 ? this.model.counts.child(h, id) : -1;
    }
    this.cached = null;
  }

  /**
   * How many of the last characters read form a context the counts have seen (0 … order-1):
   * the n-gram's confidence here, which the mixture's weights are bucketed by.
   */
  matchedContext(): number {
    let L = this.order - 1;
    while (L > 0 && this.contexts[L] < 0) L--;
    return L;
  }

  clone(): NgramPredictor {
    const copy = new NgramPredictor(this.model, this.order, this.contexts);
    copy.cached = this.cached;
    return copy;
  }
}
