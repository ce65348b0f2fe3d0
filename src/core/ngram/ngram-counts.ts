import { PairTable } from './pair-table';
import { runToEnd, type Sliced } from '../threads/slices';

/**
 * Every character n-gram of a text up to length `maxOrder`, as a trie whose nodes are the
 * n-grams themselves: node(s·w) = child(node(s), w), the root (id 0) being the empty string.
 * A node s at depth L = |s| holds
 * - `raw[s]`: how often s occurs in the text;
 * - `cont[s]`: its continuation count N1+(• s), the number of distinct characters x for which
 *   x·s occurs (Kneser-Ney's count for lower orders); only filled for L < maxOrder, where the
 *   longer n-gram x·s is counted.
 * The children of a context h are the n-grams h·w that followed it.
 *
 * Memory: one PairTable entry (16-32 bytes) and 9 bytes here per node, plus 24 bytes of
 * statistics per node once a KneserNey model is made of it (kneser-ney.ts): 50-65 bytes per
 * distinct n-gram. Distinct n-grams up to order 10 grow about linearly with the text (the
 * first 1.0 MB of tinyshakespeare has 2.9 million: 163 MB; at order 7, 0.87 million: 46 MB),
 * so `maxNodes` bounds the memory (the default's 8 million: 395 MB on a 50 MB text): once the
 * trie holds that many nodes, n-grams not yet in it are no longer added, while those in it keep
 * being counted. Every count stays consistent (a node's prefix and suffix are always nodes),
 * so the model stays a proper distribution; it is only less sharp for the later-read text.
 * The text is read from its end backwards (see `countNgrams`), so what a capped trie holds
 * is the end of the text, the part nearest whatever follows it.
 */
export class NgramCounts {
  constructor(
    readonly vocabSize: number,
    readonly maxOrder: number,
    /** Keys of node id + 1: a = parent id, b = character id (the root is not in the table). */
    readonly table: PairTable,
    readonly raw: Int32Array,
    readonly cont: Int32Array,
    /** |s| per node; the root is 0. */
    readonly depth: Uint8Array,
    /** Whether the node cap stopped the trie from growing. */
    readonly capped: boolean,
  ) {}

  /** Nodes, the root included. */
  get nodes(): number {
    return this.table.size + 1;
  }

  /** The child h·w of node `h`, or -1. */
  child(h: number, w: number): number {
    const id = this.table.get(h, w);
    return id < 0 ? -1 : id + 1;
  }

  /** The parent of node `s` (s without its last character); -1 for the root. */
  parent(s: number): number {
    return s === 0 ? -1 : this.table.a[s - 1];
  }

  /** The last character of node `s`. */
  lastChar(s: number): number {
    return this.table.b[s - 1];
  }

  /** Bytes held by the trie's arrays. */
  get bytes(): number {
    return this.table.bytes + this.raw.byteLength + this.cont.byteLength + this.depth.byteLength;
  }
}

export interface CountOptions {
  /** Longest n-gram counted (context of maxOrder - 1 characters); 1 … 255. */
  maxOrder: number;
  /** Node cap (see NgramCounts); default DEFAULT_MAX_NODES. */
  maxNodes?: number;
}

/** 395 MB of trie and statistics (measured): a text of up to 2-3 MB fits whole at order 10. */
export const DEFAULT_MAX_NODES = 8_000_000;

/**
 * Counts the n-grams of `ids` (character ids below `vocabSize`). Walks the start positions j
 * from the end of the text backwards and, from each, the n-grams text[j, j+L) for L = 1 …
 * maxOrder down the trie: maxOrder hash look-ups per character. Walking backwards means the
 * walk from j+1 was just made, so the suffix text[j+1, j+L) of a newly made node is at hand, and
 * its continuation count rises by one exactly when x·s is new: no second pass is needed.
 * Measured at order 10 on this 2-core machine: 2.2 s for 1 MB; 86 s for a 50 MB text
 * (capped; the look-ups into a table of hundreds of MB are cache misses).
 */
export function countNgrams(ids: ArrayLike<number>, vocabSize: number, options: CountOptions): NgramCounts {
  return runToEnd(countingNgrams(ids, vocabSize, options));
}

/** Start positions counted between two pauses of `countingNgrams`. */
const POSITIONS_PER_SLICE = 4096;

/** countNgrams as a job that pauses every POSITIONS_PER_SLICE positions (threads/slices.ts). */
export function* countingNgrams(ids: ArrayLike<number>, vocabSize: number, options: CountOptions): Sliced<NgramCounts> {
  const { maxOrder } = options;
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  if (!(Number.isInteger(maxOrder) && maxOrder >= 1 && maxOrder <= 255)) {
    throw new RangeError(`maxOrder must be a whole number from 1 to 255, got ${maxOrder}`);
  }
  if (!(Number.isInteger(maxNodes) && maxNodes >= 1)) throw new RangeError(`maxNodes must be ≥ 1, got ${maxNodes}`);
  const n = ids.length;
  // A first guess at the node count sizes the arrays; they double from there as needed.
  const guess = Math.min(maxNodes, Math.max(1024, Math.min(n * maxOrder, 1 << 20)));
  const table = new PairTable(guess, maxNodes - 1);
  let raw = new Int32Array(guess + 1), cont = new Int32Array(guess + 1), depth = new Uint8Array(guess + 1);
  // after[L]: node of text[j+1, j+1+L) from the previous walk; here[L]: this walk's.
  let after = new Int32Array(maxOrder + 1).fill(-1);
  let here = new Int32Array(maxOrder + 1).fill(-1);
  let capped = false;
  for (let j = n - 1; j >= 0; j--) {
    if (j % POSITIONS_PER_SLICE === 0) yield;
    here.fill(-1);
    here[0] = 0;
    raw[0]++;
    let node = 0;
    const longest = Math.min(maxOrder, n - j);
    for (let L = 1; L <= longest; L++) {
      const w = ids[j + L - 1];
      if (!(w >= 0 && w < vocabSize)) throw new RangeError(`character id ${w} at ${j + L - 1} is outside 0 … ${vocabSize - 1}`);
      const before = table.size;
      const id = table.add(node, w);
      if (id < 0) { capped = true; break; }
      const child = id + 1;
      if (child >= raw.length) ({ raw, cont, depth } = grown(raw, cont, depth));
      if (table.size > before) {
        depth[child] = L;
        // text[j, j+L) is new, so text[j] is a new left neighbour of its suffix text[j+1, j+L).
        if (L >= 2) cont[after[L - 1]]++;
      }
      raw[child]++;
      here[L] = child;
      node = child;
    }
    [after, here] = [here, after];
  }
  const nodes = table.size + 1;
  return new NgramCounts(vocabSize, maxOrder, table, raw.slice(0, nodes), cont.slice(0, nodes), depth.slice(0, nodes), capped);
}

function grown(raw: Int32Array, cont: Int32Array, depth: Uint8Array) {
  const size = raw.length * 2;
  const r = new Int32Array(size), c = new Int32Array(size), d = new Uint8Array(size);
  r.set(raw);
  c.set(cont);
  d.set(depth);
  return { raw: r, cont: c, depth: d };
}
