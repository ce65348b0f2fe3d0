import type { CharPredictor } from '../eval/predictor';
import { PairTable } from '../ngram/pair-table';

/**
 * A character n-gram of the document being read, learned as it is read: it picks up what the
 * training text never had (a new identifier, a name repeated down a page) from the first time
 * it appears. Interpolated Witten-Bell, whose counts update in O(order) per character (Kneser-Ney's
 * continuation counts would not):
 *
 *   p_L(w | h) = (c(h·w) + T(h) · p_{L-1}(w | h')) / (c(h) + T(h)),   p_{-1}(w) = 1/V
 *
 * for the contexts h of the last L = 0 … order-1 characters, with c the counts seen so far in the
 * document and T(h) the number of distinct characters seen after h; a context not yet seen passes
 * p_{L-1} through. Scores are natural-log probabilities.
 */
export class DocumentCache implements CharPredictor {
  private cached: Float64Array | null = null;

  /**
   * A cache that learns from what it reads. `clone()` gives copies that read on without learning
   * (a completion's rollout must not teach the cache its own guesses); they share the counts.
   */
  constructor(readonly vocabSize: number, readonly order = 6, readonly maxEntries = 4_000_000,
    private readonly counts = new Counts(maxEntries), private readonly recent: number[] = [], private readonly learns = true) {
    if (!(Number.isInteger(order) && order >= 1)) throw new RangeError(`order must be a whole number ≥ 1, got ${order}`);
  }

  /** Forgets everything: a new document starts. */
  reset(): void {
    this.counts.clear();
    this.recent.length = 0;
    this.cached = null;
  }

  scores(): Float64Array {
    this.cached ??= this.logProbs();
    return this.cached;
  }

  /** softmax(scores())[id] (the same number up to rounding) in order look-ups rather than V × order. */
  probability(id: number): number {
    const c = this.counts;
    let p = 1 / this.vocabSize;
    for (const h of this.contextNodes(false)) {
      if (h < 0) break;
      const total = c.total(h), types = c.types(h);
      if (total === 0) break;
      p = (c.count(h, id) + types * p) / (total + types);
    }
    return p;
  }

  step(id: number): void {
    if (this.learns) {
      for (const h of this.contextNodes(true)) {
        if (h < 0 || !this.counts.see(h, id)) break; // full: the counts stop growing, distributions stay proper
      }
    }
    this.recent.push(id);
    if (this.recent.length > this.order - 1) this.recent.shift();
    this.cached = null;
  }

  /** How many of the last characters read form a context the document has had before (0 … order-1). */
  matchedContext(): number {
    let L = 0;
    for (const h of this.contextNodes(false).slice(1)) {
      if (h < 0 || this.counts.total(h) === 0) break;
      L++;
    }
    return L;
  }

  clone(): DocumentCache {
    return new DocumentCache(this.vocabSize, this.order, this.maxEntries, this.counts, [...this.recent], false);
  }

  /**
   * A copy that has read `context` (only its last order-1 ids matter) instead of what this cache
   * read last, and reads on without learning: the editor's cache learns a window of the document,
   * which may end after the cursor, and a completion at the cursor reads from there.
   */
  readerAfter(context: ArrayLike<number>): DocumentCache {
    const keep = Math.min(context.length, this.order - 1);
    const recent = Array.from({ length: keep }, (_, i) => context[context.length - keep + i]);
    return new DocumentCache(this.vocabSize, this.order, this.maxEntries, this.counts, recent, false);
  }

  /** p(w) for every w, from the contexts of the last characters, as logs. */
  private logProbs(): Float64Array {
    const V = this.vocabSize, c = this.counts;
    const p = new Float64Array(V).fill(1 / V);
    for (const h of this.contextNodes(false)) {
      if (h < 0) break;
      const total = c.total(h), types = c.types(h);
      if (total === 0) break;
      for (let w = 0; w < V; w++) p[w] = (c.count(h, w) + types * p[w]) / (total + types);
    }
    for (let w = 0; w < V; w++) p[w] = Math.log(p[w]);
    return p;
  }

  /** Nodes of the contexts of the last 0, 1, … order-1 characters, ending at the first unknown one (-1). */
  private contextNodes(add: boolean): number[] {
    const nodes = [0];
    let node = 0;
    for (let L = 1; L < this.order && L <= this.recent.length; L++) {
      node = this.counts.context(node, this.recent[this.recent.length - L], add);
      nodes.push(node);
      if (node < 0) break;
    }
    return nodes;
  }
}

/**
 * The cache's counts. Contexts form a trie read right to left (node 0 = the empty context; a
 * child adds the character before), each an entry of `contexts`; `pairs` holds one entry per
 * (context, next character). Per context: occurrences (`totals`) and distinct next characters
 * (`typeCounts`).
 */
class Counts {
  private contexts!: PairTable;
  private pairs!: PairTable;
  private counts!: Int32Array;
  private totals!: Int32Array;
  private typeCounts!: Int32Array;

  constructor(private readonly maxEntries: number) {
    this.clear();
  }

  clear(): void {
    this.contexts = new PairTable(1024, this.maxEntries);
    this.pairs = new PairTable(1024, this.maxEntries);
    this.counts = new Int32Array(1024);
    this.totals = new Int32Array(1024);
    this.typeCounts = new Int32Array(1024);
  }

  /** The node of `parent`'s context with `ch` before it; -1 if unknown (or, adding, if full). */
  context(parent: number, ch: number, add: boolean): number {
    const e = add ? this.contexts.add(parent, ch) : this.contexts.get(parent, ch);
    if (e < 0) return -1;
    this.totals = fit(this.totals, e + 1);
    this.typeCounts = fit(this.typeCounts, e + 1);
    return e + 1;
  }

  /** Counts `ch` after context `h`; false when the table is full. */
  see(h: number, ch: number): boolean {
    const e = this.pairs.add(h, ch);
    if (e < 0) return false;
    this.counts = fit(this.counts, e);
    if (this.counts[e]++ === 0) this.typeCounts[h]++;
    this.totals[h]++;
    return true;
  }

  count(h: number, ch: number): number {
    const e = this.pairs.get(h, ch);
    return e >= 0 ? this.counts[e] : 0;
  }

  total(h: number): number {
    return this.totals[h];
  }

  types(h: number): number {
    return this.typeCounts[h];
  }
}

/** `a`, grown (doubled) to hold index `i`. */
function fit(a: Int32Array, i: number): Int32Array {
  if (i < a.length) return a;
  let n = a.length * 2;
  while (n <= i) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
