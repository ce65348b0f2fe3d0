// The n-gram trie as I32 tensors of a model file (src/core/io/ngram-tensors.ts): an exact round
// trip through safetensors, one ModelFileError per kind of damage, and a mutation fuzz whose
// survivors must still be proper distributions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Vocab } from '../src/core/data/vocab';
import { decodeSafetensors, encodeSafetensors, ModelFileError, type IntTensor } from '../src/core/io/safetensors';
import { countNgrams, KneserNey, type NgramCounts } from '../src/core/ngram';
import { ngramFromTensors, ngramTensors, NGRAM_TENSOR_NAMES } from '../src/core/io/ngram-tensors';
import { seededRandom } from '../src/core/sampling';

const SHAKESPEARE = fs.readFileSync(path.join(__dirname, 'fixtures/workspace/shakespeare.txt'), 'utf8');

function counted(text: string, maxOrder: number, maxNodes?: number): { counts: NgramCounts; ids: number[]; vocab: Vocab } {
  const vocab = Vocab.fromText(text);
  const ids = [...vocab.encode(text)];
  return { counts: countNgrams(ids, vocab.size, { maxOrder, maxNodes }), ids, vocab };
}

/** counts → file bytes → counts, as a model file would carry them. */
function throughFile(counts: NgramCounts, maxOrder = counts.maxOrder): NgramCounts {
  const bytes = encodeSafetensors({}, { note: 'n-gram' }, 'F32', ngramTensors(counts));
  const { ints } = decodeSafetensors(bytes, { ints: true });
  return ngramFromTensors(ints, counts.vocabSize, maxOrder, counts.capped);
}

/** Copies of the tensors, to damage. */
function tensorsOf(counts: NgramCounts): Record<string, IntTensor> {
  return Object.fromEntries(Object.entries(ngramTensors(counts)).map(([k, t]) => [k, { shape: [...t.shape], data: t.data.slice() }]));
}

function assertLoadError(ints: Record<string, IntTensor>, pattern: RegExp, vocabSize = 4, maxOrder = 3, capped: unknown = false): void {
  assert.throws(() => ngramFromTensors(ints, vocabSize, maxOrder, capped as boolean), (error: unknown) => {
    assert.ok(error instanceof ModelFileError, `expected ModelFileError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'one-line message');
    return true;
  });
}

/** A hand-made trie: [parent, char] per node 1 …, raw and cont per node 0 …. */
function trie(pairs: [number, number][], raw: number[], cont: number[]): Record<string, IntTensor> {
  const vector = (xs: number[]) => ({ shape: [xs.length], data: Int32Array.from(xs) });
  return {
    'ngram.parent': vector(pairs.map(([p]) => p)),
    'ngram.char': vector(pairs.map(([, c]) => c)),
    'ngram.raw': vector(raw),
    'ngram.cont': vector(cont),
  };
}

/** Every order's distribution after `context`: finite, > 0, summing to 1. */
function assertProper(kn: KneserNey, context: number[], what: string): void {
  for (let order = 1; order <= kn.maxOrder; order++) {
    const logs = kn.logProbs(context, order);
    let sum = 0;
    for (const l of logs) {
      assert.ok(Number.isFinite(l), `${what}: order ${order} has log-probability ${l}`);
      sum += Math.exp(l);
    }
    assert.ok(Math.abs(sum - 1) < 1e-9, `${what}: order ${order} sums to ${sum}`);
  }
}

test('round trip: the same trie and bit-identical log-probabilities at every order', () => {
  const { counts, ids } = counted(SHAKESPEARE, 8);
  const back = throughFile(counts);
  assert.equal(back.nodes, counts.nodes);
  assert.deepEqual(back.raw, counts.raw);
  assert.deepEqual(back.cont, counts.cont);
  assert.deepEqual(back.depth, counts.depth);
  assert.deepEqual(back.table.a.subarray(0, back.nodes - 1), counts.table.a.subarray(0, counts.nodes - 1));
  assert.deepEqual(back.table.b.subarray(0, back.nodes - 1), counts.table.b.subarray(0, counts.nodes - 1));
  assert.equal(back.capped, false);
  const [a, b] = [new KneserNey(counts), new KneserNey(back)];
  let compared = 0;
  for (let at = 0; at <= ids.length; at += 53) {
    const context = ids.slice(Math.max(0, at - 10), at);
    for (let order = 1; order <= 8; order++) {
      assert.deepEqual(b.logProbs(context, order), a.logProbs(context, order), `at ${at}, order ${order}`);
      compared++;
    }
  }
  // Contexts that are not in the text, too.
  const random = seededRandom(5);
  for (let k = 0; k < 50; k++) {
    const context = Array.from({ length: 7 }, () => Math.floor(random.next() * counts.vocabSize));
    for (let order = 1; order <= 8; order++) assert.deepEqual(b.logProbs(context, order), a.logProbs(context, order));
  }
  assert.ok(compared > 4000);
});

test('round trip of a capped trie, an empty text and an order-1 model', () => {
  const capped = counted(SHAKESPEARE.slice(0, 5000), 6, 3000).counts;
  assert.equal(capped.capped, true);
  const back = throughFile(capped);
  assert.equal(back.capped, true);
  const ids = [...Vocab.fromText(SHAKESPEARE.slice(0, 5000)).encode(SHAKESPEARE.slice(0, 200))];
  for (let order = 1; order <= 6; order++) assert.deepEqual(new KneserNey(back).logProbs(ids, order), new KneserNey(capped).logProbs(ids, order));

  const empty = countNgrams([], 3, { maxOrder: 4 });
  assert.equal(throughFile(empty).nodes, 1);
  assert.deepEqual(new KneserNey(throughFile(empty)).logProbs([1, 2], 4), new KneserNey(empty).logProbs([1, 2], 4));

  const unigram = counted('abracadabra', 1).counts;
  assert.deepEqual(new KneserNey(throughFile(unigram)).logProbs([0]), new KneserNey(unigram).logProbs([0]));
  // A longer maxOrder than the deepest node is fine (the counts' maxOrder is the model's).
  assert.equal(throughFile(counted('abracadabra', 3).counts, 5).maxOrder, 5);
});

test('the tensors are named, shaped and sized as documented', () => {
  const { counts } = counted('abracadabra', 3);
  const t = ngramTensors(counts);
  assert.deepEqual(Object.keys(t).sort(), [...NGRAM_TENSOR_NAMES].sort());
  assert.deepEqual(t['ngram.raw'].shape, [counts.nodes]);
  assert.deepEqual(t['ngram.parent'].shape, [counts.nodes - 1]);
  assert.equal(t['ngram.raw'].data[0], 'abracadabra'.length);
});

// A small valid trie by hand: the text "abb" (ids a = 0, b = 1) at order 2. Nodes 1 b, 2 a,
// 3 bb, 4 ab; raw: root 3, b 2, a 1, bb 1, ab 1; cont(b) = |{a, b}| (ab, bb) = 2.
const ABB: [[number, number][], number[], number[]] = [[[0, 1], [0, 0], [1, 1], [2, 1]], [3, 2, 1, 1, 1], [0, 2, 0, 0, 0]];

test('the hand-made trie of "abb" is what countNgrams makes, and loads', () => {
  const made = countNgrams([0, 1, 1], 4, { maxOrder: 2 });
  // countNgrams numbers them 1 b, 2 bb, 3 a, 4 ab (it reads backwards): the same n-grams.
  assert.equal(made.nodes, 5);
  assert.deepEqual([...made.raw], [3, 2, 1, 1, 1]);
  const loaded = ngramFromTensors(trie(...ABB), 4, 2, false);
  assert.deepEqual(new KneserNey(loaded).logProbs([0, 1], 2), new KneserNey(made).logProbs([0, 1], 2));
  assert.deepEqual(new KneserNey(loaded).logProbs([1], 1), new KneserNey(made).logProbs([1], 1));
});

test('every kind of damage is its own one-line ModelFileError', () => {
  const [pairs, raw, cont] = ABB;
  const ok = () => trie(pairs, raw, cont);
  const edit = (f: (t: Record<string, IntTensor>) => void) => { const t = ok(); f(t); return t; };
  const set = (name: string, i: number, v: number) => edit((t) => { t[name].data[i] = v; });
  const cases: [Record<string, IntTensor>, RegExp, number?, number?, unknown?][] = [
    // Arguments (from the file's metadata).
    [ok(), /vocabulary size 0 is not a whole number/, 0],
    [ok(), /maxOrder 0 is not a whole number from 1 to 255/, 4, 0],
    [ok(), /maxOrder 256/, 4, 256],
    [ok(), /maxOrder 1.5/, 4, 1.5],
    [ok(), /"capped" is "yes", not true or false/, 4, 2, 'yes'],
    // Tensors: missing, extra, wrong kind or length.
    [edit((t) => { delete t['ngram.cont']; }), /tensor "ngram.cont" is missing/],
    [edit((t) => { delete t['ngram.parent']; }), /tensor "ngram.parent" is missing/],
    [edit((t) => { t['ngram.depth'] = { shape: [5], data: new Int32Array(5) }; }), /unexpected tensor "ngram.depth"/],
    [edit((t) => { t['ngram.cont'] = { shape: [4], data: new Int32Array(4) }; }), /"ngram.cont" has 4 entries, not 5/],
    [edit((t) => { t['ngram.char'] = { shape: [5], data: new Int32Array(5) }; }), /"ngram.char" has 5 entries, not 4/],
    [edit((t) => { t['ngram.raw'] = { shape: [5, 1], data: t['ngram.raw'].data }; }), /"ngram.raw" is not a one-dimensional int32 tensor/],
    [edit((t) => { t['ngram.raw'] = { shape: [5], data: new Float32Array(5) as unknown as Int32Array }; }), /not a one-dimensional int32/],
    [edit((t) => { t['ngram.raw'] = { shape: [6], data: t['ngram.raw'].data }; }), /not a one-dimensional int32/],
    [trie([], [], []), /"ngram.raw" is empty/],
    // The tree.
    [set('ngram.parent', 2, 3), /node 3 has parent 3, not an earlier node/],
    [set('ngram.parent', 2, 4), /node 3 has parent 4, not an earlier node/],
    [set('ngram.parent', 0, -1), /node 1 has parent -1, not an earlier node/],
    [set('ngram.char', 1, 4), /node 2 has character 4, outside the vocabulary 0 … 3/],
    [set('ngram.char', 1, -7), /node 2 has character -7/],
    [ok(), /node 3 is 2 characters long, longer than maxOrder 1/, 4, 1],
    // Counts.
    [set('ngram.raw', 0, -1), /ngram.raw of the root is -1, below 0/],
    [set('ngram.cont', 0, 1), /ngram.cont of the root is 1, not 0/],
    [set('ngram.raw', 3, 0), /ngram.raw of node 3 is 0, below 1/],
    [set('ngram.raw', 4, -2), /ngram.raw of node 4 is -2, below 1/],
    [set('ngram.cont', 1, -1), /ngram.cont of node 1 is -1, below 0/],
    [set('ngram.raw', 2, 2), /the children of node 0 occur more often than it \(ngram.raw 3\)/],
    [set('ngram.raw', 4, 2), /the children of node 2 occur more often than it \(ngram.raw 1\)/],
    [set('ngram.cont', 1, 1), /ngram.cont of node 1 is 1, but 2 n-grams extend it to the left/],
    [set('ngram.cont', 2, 1), /ngram.cont of node 2 is 1, but 0 n-grams extend it/],
    // Int32 overflow of the children's total is caught as "more often", not wrapped.
    [trie([[0, 0], [0, 1]], [2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1], [0, 0, 0]), /children of node 0 occur more often/],
    // Twice the same (parent, character): node 2 = "a" again.
    [trie([[0, 0], [0, 0]], [2, 1, 1], [0, 0, 0]), /node 2 repeats node 1 \(parent 0, character 0\)/],
    // "ab" without "b".
    [trie([[0, 0], [1, 1]], [2, 1, 1], [0, 0, 0]), /node 2 has no earlier node for its n-gram without its first character/],
    // Its suffix "b" only later (countNgrams always adds a suffix first).
    [trie([[0, 0], [1, 1], [0, 1]], [2, 1, 1, 1], [0, 0, 0, 1]), /node 2 has no earlier node/],
  ];
  for (const [ints, pattern, vocabSize = 4, maxOrder = 2, capped = false] of cases) {
    assertLoadError(ints, pattern, vocabSize, maxOrder, capped);
  }
});

test('fuzz: mutated tensors or bytes load as a proper model or fail with ModelFileError', () => {
  const text = 'the cat sat on the mat; the bat ate the rat. ' + SHAKESPEARE.slice(0, 160);
  const { counts, ids } = counted(text, 4);
  const V = counts.vocabSize, nodes = counts.nodes;
  const contexts = [[], ids.slice(0, 3), ids.slice(40, 43), ids.slice(-3), [V - 1, 0, V - 1]];
  const rng = seededRandom(2024);
  const random = () => rng.next();
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: T[]): T => xs[int(xs.length)];
  const file = encodeSafetensors({}, {}, 'F32', ngramTensors(counts));
  const headerEnd = 8 + Number(file.readBigUInt64LE(0));
  /** Loaded models per kind of mutation. */
  const accepted = new Map<number, number>();
  const rounds = 5000;
  for (let round = 0; round < rounds; round++) {
    const kind = int(6);
    let what = '';
    let maxOrder = 4;
    let load: () => NgramCounts;
    if (kind <= 1) {
      // Bytes of the file: mostly the data section, sometimes the header.
      const bytes = Buffer.from(file);
      const flips = 1 + int(3);
      for (let k = 0; k < flips; k++) {
        const at = kind === 0 ? headerEnd + int(bytes.length - headerEnd) : 8 + int(headerEnd - 8);
        if (random() < 0.5) bytes[at] ^= 1 << int(8);
        else bytes[at] = int(256);
      }
      what = kind === 0 ? 'data bytes' : 'header bytes';
      load = () => ngramFromTensors(decodeSafetensors(bytes, { ints: true }).ints, V, maxOrder, false);
    } else {
      const t = tensorsOf(counts);
      const name = pick([...NGRAM_TENSOR_NAMES]);
      const data = t[name].data;
      const i = int(data.length);
      if (kind === 2) {
        // One entry to a value near a boundary, or near where it was.
        const old = data[i];
        data[i] = pick([-1, 0, 1, 2, 3, old - 1, old + 1, old * 2, nodes - 1, nodes, V - 1, V, 2 ** 31 - 1, -(2 ** 31), int(nodes)]);
        what = `${name}[${i}] ${old} → ${data[i]}`;
      } else if (kind === 3) {
        let j = int(data.length);
        for (let k = 0; k < 20 && data[j] === data[i]; k++) j = int(data.length); // a swap that changes something
        [data[i], data[j]] = [data[j], data[i]];
        what = `${name} swap ${i} ${j}`;
      } else if (kind === 4) {
        // Several entries of several tensors at once.
        for (let k = 0; k < 4; k++) {
          const d = t[pick([...NGRAM_TENSOR_NAMES])].data;
          d[int(d.length)] += pick([-1, 1]);
        }
        what = 'four ±1';
      } else {
        const choice = int(4);
        if (choice === 0) t[name] = { shape: [data.length - 1], data: data.slice(0, -1) };
        else if (choice === 1) delete t[name];
        else if (choice === 2) t['ngram.extra'] = { shape: [1], data: new Int32Array(1) };
        else maxOrder = 1 + int(6); // the metadata's maxOrder, at times above the counts' 4
        what = `structure ${choice}`;
      }
      load = () => ngramFromTensors(t, V, maxOrder, false);
    }
    let loaded: NgramCounts;
    try {
      loaded = load();
    } catch (error) {
      if (!(error instanceof ModelFileError)) assert.fail(`round ${round} (${what}) threw ${String(error)}`);
      continue;
    }
    accepted.set(kind, (accepted.get(kind) ?? 0) + 1);
    const kn = new KneserNey(loaded);
    for (const context of contexts) assertProper(kn, context, `round ${round} (${what})`);
  }
  // Some damage is undetectable (a count changed within what counting could make): those models were checked above.
  const total = [...accepted.values()].reduce((a, b) => a + b, 0);
  const summary = `loaded per kind: ${JSON.stringify(Object.fromEntries(accepted))}`;
  assert.ok((accepted.get(2) ?? 0) > 10 && total < rounds / 4, summary);
});
