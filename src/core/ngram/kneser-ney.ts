import { discountOf, modifiedKneserNeyDiscounts, type Discounts } from './discounts';
import type { NgramCounts } from './ngram-counts';

/**
 * Interpolated modified Kneser-Ney (Chen & Goodman 1998) over character ids, at any order
 * 1 … counts.maxOrder from one set of counts. For an order-n model and a context h of the
 * last n-1 characters (h' = h without its first character):
 *
 *   p_n(w | h) = max(c(h·w) - D(c(h·w)), 0) / Σ_v c(h·v)  +  γ(h) · p_{n-1}(w | h')
 *   γ(h)      = Σ_v D(c(h·v)) / Σ_v c(h·v)
 *
 * with c the raw count at the model's own order and the continuation count N1+(•h·w) at every
 * lower order, D the discounts of that order and count kind (discounts.ts), and at the bottom
 * p_0(w) = 1/V, uniform over the whole vocabulary (the unknown id included). A context never
 * followed by anything in the text (unseen, or only at its very end) passes p_{n-1} through.
 * Each level's weights sum to 1 - γ and γ multiplies a distribution summing to 1, so every
 * p_n sums to 1 and is > 0 for every id.
 *
 * Probabilities are per character; logs are natural (nats).
 */
export class KneserNey {
  readonly vocabSize: number;
  readonly maxOrder: number;
  /** Per order L = 1 … maxOrder (index L): discounts of raw counts (used at the top order). */
  readonly rawDiscounts: Discounts[] = [];
  /** Per order L: discounts of continuation counts (used below the top order). */
  readonly contDiscounts: Discounts[] = [];
  /** Per context node: Σ_v raw(h·v), Σ_v cont(h·v) (occurrences). */
  private readonly rawTotal: Int32Array;
  private readonly contTotal: Int32Array;
  /** Per context node: Σ_v D(c(h·v)) for raw and for continuation counts (occurrences). */
  private readonly rawBackoff: Float64Array;
  private readonly contBackoff: Float64Array;

  constructor(readonly counts: NgramCounts) {
    this.vocabSize = counts.vocabSize;
    this.maxOrder = counts.maxOrder;
    const { raw, cont, depth } = counts;
    const nodes = counts.nodes;
    // Count-of-counts per order, 1 … 4 (index 0 unused; ≥ 4 is not needed).
    const rawCoc = Array.from({ length: this.maxOrder + 1 }, () => new Float64Array(5));
    const contCoc = Array.from({ length: this.maxOrder + 1 }, () => new Float64Array(5));
    for (let s = 1; s < nodes; s++) {
      if (raw[s] <= 4) rawCoc[depth[s]][raw[s]]++;
      if (cont[s] >= 1 && cont[s] <= 4) contCoc[depth[s]][cont[s]]++;
    }
    for (let L = 0; L <= this.maxOrder; L++) {
      this.rawDiscounts.push(modifiedKneserNeyDiscounts(rawCoc[L]));
      this.contDiscounts.push(modifiedKneserNeyDiscounts(contCoc[L]));
    }
    this.rawTotal = new Int32Array(nodes);
    this.contTotal = new Int32Array(nodes);
    this.rawBackoff = new Float64Array(nodes);
    this.contBackoff = new Float64Array(nodes);
    for (let s = 1; s < nodes; s++) {
      const h = counts.parent(s), L = depth[s];
      this.rawTotal[h] += raw[s];
      this.rawBackoff[h] += discountOf(this.rawDiscounts[L], raw[s]);
      if (cont[s] > 0) {
        this.contTotal[h] += cont[s];
        this.contBackoff[h] += discountOf(this.contDiscounts[L], cont[s]);
      }
    }
  }

  /** Bytes of counts and statistics. */
  get bytes(): number {
    return this.counts.bytes + this.rawTotal.byteLength * 2 + this.rawBackoff.byteLength * 2;
  }

  /**
   * One level of the recursion: p at context node `h` (depth L-1) for a character whose node
   * h·w is `hw` (-1 if unseen), given `lower` = p_{L-1}(w | h'). `top`: raw counts, else
   * continuation counts.
   */
  level(h: number, hw: number, lower: number, top: boolean): number {
    if (h < 0) return lower;
    const total = top ? this.rawTotal[h] : this.contTotal[h];
    if (total === 0) return lower;
    const backoff = top ? this.rawBackoff[h] : this.contBackoff[h];
    let p = backoff / total * lower;
    if (hw >= 0) {
      const c = top ? this.counts.raw[hw] : this.counts.cont[hw];
      if (c > 0) p += (c - discountOf((top ? this.rawDiscounts : this.contDiscounts)[this.counts.depth[hw]], c)) / total;
    }
    return p;
  }

  /**
   * The whole next-character distribution of an order-`order` model, as natural logs, given
   * `contexts[L]` = node of the last L characters (-1 if not in the trie) for L = 0 …
   * order-1 (`contexts[0]` = 0, the root). V look-ups per level.
   */
  logProbsAt(contexts: ArrayLike<number>, order: number): Float64Array {
    this.checkOrder(order);
    const V = this.vocabSize;
    const p = new Float64Array(V).fill(1 / V);
    for (let L = 0; L < order; L++) {
      const h = contexts[L];
      if (h < 0) break; // a longer context is not in the trie either
      const top = L === order - 1;
      for (let w = 0; w < V; w++) p[w] = this.level(h, this.counts.child(h, w), p[w], top);
    }
    for (let w = 0; w < V; w++) p[w] = Math.log(p[w]);
    return p;
  }

  /**
   * p(w) of an order-`order` model given `contexts` as in logProbsAt, which gives log of exactly
   * this number for w: order look-ups, not V × order, for a caller that needs one character's
   * probability (scoring a text) and not the whole distribution (completing it).
   */
  probability(contexts: ArrayLike<number>, order: number, w: number): number {
    let p = 1 / this.vocabSize;
    for (let L = 0; L < order; L++) {
      const h = contexts[L];
      if (h < 0) break;
      p = this.level(h, this.counts.child(h, w), p, L === order - 1);
    }
    return p;
  }

  /**
   * The next-character distribution after `context` (character ids; only its last order-1
   * matter), natural logs, a Float64Array of V summing (as probabilities) to 1.
   */
  logProbs(context: ArrayLike<number>, order = this.maxOrder): Float64Array {
    this.checkOrder(order);
    return this.logProbsAt(this.contextNodes(context, order), order);
  }

  /** contexts[L] = node of the last L characters of `context`, L = 0 … order-1. */
  contextNodes(context: ArrayLike<number>, order: number): Int32Array {
    const nodes = new Int32Array(order).fill(-1);
    nodes[0] = 0;
    for (let L = 1; L < order && L <= context.length; L++) {
      let node = 0;
      for (let i = context.length - L; i < context.length && node >= 0; i++) node = this.counts.child(node, context[i]);
      if (node < 0) break;
      nodes[L] = node;
    }
    return nodes;
  }

  checkOrder(order: number): void {
    if (!(Number.isInteger(order) && order >= 1 && order <= this.maxOrder)) {
      throw new RangeError(`order must be a whole number from 1 to ${this.maxOrder}, got ${order}`);
    }
  }
}
