import { ModelFileError, type IntTensor } from './safetensors';
import { NgramCounts } from '../ngram/ngram-counts';
import { PairTable } from '../ngram/pair-table';

/**
 * An n-gram trie (ngram-counts.ts) as I32 tensors of a model file, for `nodes` nodes (root 0):
 *
 *   ngram.parent  [nodes-1]  parent id of node 1 … nodes-1 (its n-gram without the last character)
 *   ngram.char    [nodes-1]  last character id of node 1 … nodes-1
 *   ngram.raw     [nodes]    occurrences of each node's n-gram (the root: the text's length)
 *   ngram.cont    [nodes]    continuation counts N1+(• s)
 *
 * 16 bytes per node. Depth and the hash table are rebuilt on loading: ids are dense in insertion
 * order, so adding (parent, char) in id order to a fresh PairTable gives every node its id back.
 * vocabSize, maxOrder and `capped` are not tensors; the model file keeps them in its metadata.
 */
export const NGRAM_TENSOR_NAMES = ['ngram.parent', 'ngram.char', 'ngram.raw', 'ngram.cont'] as const;

/** The tensors of `counts`: views of its arrays, not copies (encode them; do not change them). */
export function ngramTensors(counts: NgramCounts): Record<string, IntTensor> {
  const nodes = counts.nodes;
  return {
    'ngram.parent': { shape: [nodes - 1], data: counts.table.a.subarray(0, nodes - 1) },
    'ngram.char': { shape: [nodes - 1], data: counts.table.b.subarray(0, nodes - 1) },
    'ngram.raw': { shape: [nodes], data: counts.raw.subarray(0, nodes) },
    'ngram.cont': { shape: [nodes], data: counts.cont.subarray(0, nodes) },
  };
}

/**
 * The counts saved by ngramTensors, checked for everything that would make a KneserNey of them
 * wrong rather than merely different, each failure a one-line ModelFileError:
 * - the tree: every node's parent an earlier node, its character in the vocabulary, its depth
 *   ≤ maxOrder, no (parent, character) twice (the hash table would hide one of them);
 * - raw counts: ≥ 1 below the root (a 0 has no discount: NaN) and, per node, its children's
 *   together ≤ its own, as counting makes them (so every total fits in an Int32);
 * - suffixes: each node's n-gram without its first character is an earlier node, as counting
 *   makes it (so a context not in the trie has no longer context in it either);
 * - continuation counts exactly the number of nodes one longer with that suffix, as counting
 *   makes them (so no total overflows and none is negative).
 * With these, every KneserNey distribution sums to 1 and is > 0 (kneser-ney.ts).
 * `ints` are taken over as the counts' `raw` and `cont`, not copied. O(nodes): two hash
 * look-ups per node. Memory before the checks pass, on top of `ints` (16 bytes per node,
 * the file's size): depth, suffix and scratch arrays (9 bytes per node) and the PairTable
 * (16-24 bytes per node), so at most about 3 times the file.
 */
export function ngramFromTensors(
  ints: Record<string, IntTensor>,
  vocabSize: number,
  maxOrder: number,
  capped: boolean,
): NgramCounts {
  if (!(Number.isSafeInteger(vocabSize) && vocabSize >= 1 && vocabSize <= 0x7fffffff)) {
    throw fail(`the vocabulary size ${vocabSize} is not a whole number ≥ 1`);
  }
  if (!(Number.isInteger(maxOrder) && maxOrder >= 1 && maxOrder <= 255)) throw fail(`maxOrder ${maxOrder} is not a whole number from 1 to 255`);
  if (typeof capped !== 'boolean') throw fail(`"capped" is ${JSON.stringify(capped)}, not true or false`);
  const { parent, char, raw, cont } = checkedTensors(ints);
  const nodes = raw.length;

  // The tree, node by node in id order: a parent always comes first.
  const depth = new Uint8Array(nodes);
  /** Occurrences of each node not yet claimed by one of its children. */
  const unclaimed = raw.slice();
  if (raw[0] < 0) throw fail(`ngram.raw of the root is ${raw[0]}, below 0`);
  if (cont[0] !== 0) throw fail(`ngram.cont of the root is ${cont[0]}, not 0`);
  for (let s = 1; s < nodes; s++) {
    const p = parent[s - 1], c = char[s - 1];
    if (!(p >= 0 && p < s)) throw fail(`node ${s} has parent ${p}, not an earlier node`);
    if (!(c >= 0 && c < vocabSize)) throw fail(`node ${s} has character ${c}, outside the vocabulary 0 … ${vocabSize - 1}`);
    if (depth[p] >= maxOrder) throw fail(`node ${s} is ${depth[p] + 1} characters long, longer than maxOrder ${maxOrder}`);
    depth[s] = depth[p] + 1;
    if (raw[s] < 1) throw fail(`ngram.raw of node ${s} is ${raw[s]}, below 1`);
    if (cont[s] < 0) throw fail(`ngram.cont of node ${s} is ${cont[s]}, below 0`);
    // unclaimed[p] ≥ 0 and raw[s] ≥ 1 before this: no Int32 overflow.
    unclaimed[p] -= raw[s];
    if (unclaimed[p] < 0) throw fail(`the children of node ${p} occur more often than it (ngram.raw ${raw[p]})`);
  }

  // The hash table, and each node's suffix: suffix(s) = child(suffix(parent), char), an earlier node.
  const table = new PairTable(nodes - 1, nodes - 1);
  const suffix = new Int32Array(nodes);
  const extenders = unclaimed.fill(0); // per node: nodes one longer with it as suffix
  for (let s = 1; s < nodes; s++) {
    const p = parent[s - 1], c = char[s - 1];
    if (table.add(p, c) !== s - 1) throw fail(`node ${s} repeats node ${table.get(p, c) + 1} (parent ${p}, character ${c})`);
    if (depth[s] === 1) continue; // suffix: the root, whose continuation count is not kept
    const id = table.get(suffix[p], c); // the table holds nodes 1 … s only
    if (id < 0) throw fail(`node ${s} has no earlier node for its n-gram without its first character`);
    suffix[s] = id + 1;
    extenders[id + 1]++;
  }
  for (let s = 1; s < nodes; s++) {
    if (cont[s] !== extenders[s]) throw fail(`ngram.cont of node ${s} is ${cont[s]}, but ${extenders[s]} n-grams extend it to the left`);
  }
  return new NgramCounts(vocabSize, maxOrder, table, raw, cont, depth, capped);
}

/** The four tensors, one-dimensional, of lengths nodes-1, nodes-1, nodes, nodes (nodes ≥ 1). */
function checkedTensors(ints: Record<string, IntTensor>): Record<'parent' | 'char' | 'raw' | 'cont', Int32Array> {
  const known: readonly string[] = NGRAM_TENSOR_NAMES;
  for (const name of Object.keys(ints)) if (!known.includes(name)) throw fail(`unexpected tensor ${JSON.stringify(name)}`);
  const vector = (name: string, length?: number): Int32Array => {
    if (!Object.hasOwn(ints, name)) throw fail(`tensor "${name}" is missing`);
    const { shape, data } = ints[name];
    if (!(data instanceof Int32Array) || !Array.isArray(shape) || shape.length !== 1 || data.length !== shape[0]) {
      throw fail(`tensor "${name}" is not a one-dimensional int32 tensor`);
    }
    if (length !== undefined && data.length !== length) {
      throw fail(`tensor "${name}" has ${data.length} entries, not ${length}`);
    }
    return data;
  };
  const raw = vector('ngram.raw');
  if (raw.length === 0) throw fail('tensor "ngram.raw" is empty: even an empty text has the root');
  const nodes = raw.length;
  return { raw, cont: vector('ngram.cont', nodes), parent: vector('ngram.parent', nodes - 1), char: vector('ngram.char', nodes - 1) };
}

function fail(message: string): ModelFileError {
  return new ModelFileError(`n-gram: ${message}`);
}
