// The Kneser-Ney character n-gram (src/core/ngram): proper distributions, the values of the
// formula (computed here by brute force over strings, independently of the trie), order
// selection, and what it does on repetitive text.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab } from '../src/core/data/vocab';
import { countNgrams, KneserNey, NgramPredictor, scoreOrders, selectOrder, trainKneserNey } from '../src/core/ngram';
import { seededRandom, type Random } from '../src/core/sampling';

function model(text: string, maxOrder: number, maxNodes?: number): { kn: KneserNey; vocab: Vocab } {
  const vocab = Vocab.fromText(text);
  return { kn: new KneserNey(countNgrams(vocab.encode(text), vocab.size, { maxOrder, maxNodes })), vocab };
}

function probs(kn: KneserNey, context: ArrayLike<number>, order: number): number[] {
  return [...kn.logProbs(context, order)].map(Math.exp);
}

/**
 * Interpolated modified Kneser-Ney straight from its definition (Chen & Goodman 1998), over
 * strings: every substring counted by scanning, continuation counts as sets of left
 * neighbours, discounts from the count-of-counts of each length and kind, then the recursion.
 */
function bruteForce(text: string, maxOrder: number, alphabet: string[]) {
  const raw = new Map<string, number>();
  for (let j = 0; j < text.length; j++) {
    for (let L = 1; L <= maxOrder && j + L <= text.length; L++) raw.set(text.slice(j, j + L), (raw.get(text.slice(j, j + L)) ?? 0) + 1);
  }
  const left = new Map<string, Set<string>>();
  for (const s of raw.keys()) if (s.length >= 2) left.set(s.slice(1), (left.get(s.slice(1)) ?? new Set()).add(s[0]));
  const count = (s: string, top: boolean) => (top ? raw.get(s) ?? 0 : left.get(s)?.size ?? 0);
  const discounts = (L: number, top: boolean) => {
    const n = [0, 0, 0, 0, 0];
    for (const s of raw.keys()) if (s.length === L) { const c = count(s, top); if (c >= 1 && c <= 4) n[c]++; }
    const y = n[1] / (n[1] + 2 * n[2]);
    const d = [1 - 2 * y * n[2] / n[1], 2 - 3 * y * n[3] / n[2], 3 - 4 * y * n[4] / n[3]];
    return d.map((x, i) => (Number.isFinite(x) ? Math.min(i + 1, Math.max(0.01, x)) : (i + 1) / 2));
  };
  const D = (L: number, top: boolean, c: number) => discounts(L, top)[Math.min(c, 3) - 1];
  const p = (w: string, h: string, order: number, top: boolean): number => {
    if (order === 0) return 1 / (alphabet.length + 1); // + the unknown id
    const lower = p(w, h.slice(1), order - 1, false);
    let total = 0, backoff = 0;
    for (const v of alphabet) {
      const c = count(h + v, top);
      if (c > 0) { total += c; backoff += D(order, top, c); }
    }
    if (total === 0) return lower;
    const c = count(h + w, top);
    return (c > 0 ? (c - D(order, top, c)) / total : 0) + backoff / total * lower;
  };
  /** p(w | the last order-1 characters of h) of an order-`order` model. */
  return (w: string, h: string, order: number) => p(w, h.slice(Math.max(0, h.length - (order - 1))), order, true);
}

function randomText(rng: Random, length: number, alphabet: string): string {
  // A little structure (an order-2 habit) so that counts of 1, 2, 3 and 4 all occur.
  let out = '';
  for (let i = 0; i < length; i++) {
    const prev = out.charCodeAt(i - 1) || 0;
    out += alphabet[rng.next() < 0.5 ? prev % alphabet.length : Math.floor(rng.next() * alphabet.length)];
  }
  return out;
}

describe('Kneser-Ney n-gram', () => {
  test('a unigram by hand: "aab"', () => {
    // Order 1, raw counts a:2, b:1; count-of-counts n1 = 1, n2 = 1, n3 = n4 = 0.
    // Y = 1/(1+2) = 1/3; D1 = 1 - 2·(1/3)·1/1 = 1/3; D2 = 2 - 3·(1/3)·0/1 = 2; D3+ undefined (0/0).
    // Total 3; γ = (D2 + D1)/3 = 7/9; V = 3 (a, b, unknown), each 1/3 below.
    // p(a) = (2-2)/3 + 7/9·1/3 = 7/27; p(b) = (1-1/3)/3 + 7/27 = 13/27; p(unknown) = 7/27.
    const { kn, vocab } = model('aab', 1);
    const p = probs(kn, [], 1);
    const expected = [7 / 27, 13 / 27, 7 / 27];
    for (let id = 0; id < vocab.size; id++) assert.ok(Math.abs(p[id] - expected[id]) < 1e-12, `${id}: ${p[id]} vs ${expected[id]}`);
  });

  test('equals the formula computed by brute force, at every order and context', () => {
    const text = 'abracadabra, cadabra! a bra, a cab. abracadabra';
    const { kn, vocab } = model(text, 4);
    const alphabet = [...vocab.chars];
    const reference = bruteForce(text, 4, alphabet);
    const rng = seededRandom(3);
    // Contexts of maxOrder-1 characters (a shorter one, at the start of a text, is read as unseen).
    const contexts = ['abr', 'ra,', 'zzz', ', c', 'dab', 'b. ', 'cab', 'qab', 'zca', 'a a'];
    for (let i = 0; i < 20; i++) contexts.push(Array.from({ length: 3 }, () => alphabet[Math.floor(rng.next() * alphabet.length)]).join(''));
    for (const context of contexts) {
      for (let order = 1; order <= 4; order++) {
        const p = probs(kn, vocab.encode(context), order);
        for (const w of alphabet) {
          const want = reference(w, context.replace(/z|q/g, '\uFFFD'), order);
          assert.ok(Math.abs(p[vocab.id(w)] - want) < 1e-12, `p(${w} | ${context}) order ${order}: ${p[vocab.id(w)]} vs ${want}`);
        }
      }
    }
  });

  test('counts of a longer maximum order give the same lower-order models', () => {
    const text = randomText(seededRandom(5), 3000, 'abcdef ');
    const short = model(text, 3).kn, long = model(text, 6).kn;
    const vocab = Vocab.fromText(text);
    for (const context of ['ab', 'ff', ' a', 'zz']) {
      const a = probs(short, vocab.encode(context), 3), b = probs(long, vocab.encode(context), 3);
      a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-12));
    }
  });

  test('every distribution sums to 1 and gives every id some probability', () => {
    const rng = seededRandom(11);
    for (const [length, alphabet] of [[200, 'ab'], [5000, 'abcdefgh \n'], [20000, 'the quick brown fox']] as const) {
      const text = randomText(rng, length, alphabet);
      const { kn, vocab } = model(text, 8);
      for (let trial = 0; trial < 60; trial++) {
        const n = Math.floor(rng.next() * 10);
        const context = Array.from({ length: n }, () => Math.floor(rng.next() * vocab.size)); // unknown id included
        for (const order of [1, 2, 3, 5, 8]) {
          const p = probs(kn, context, order);
          const sum = p.reduce((a, b) => a + b, 0);
          assert.ok(Math.abs(sum - 1) < 1e-12, `sum ${sum} (order ${order})`);
          assert.ok(p.every((x) => x > 0), `a zero probability at order ${order}`);
        }
      }
    }
  });

  test('the one-pass scorer gives each order the loss of its own distributions', () => {
    const text = randomText(seededRandom(2), 4000, 'abcde \n');
    const vocab = Vocab.fromText(text);
    const ids = vocab.encode(text);
    const train = ids.subarray(0, 3500), valid = ids.subarray(3500);
    const kn = new KneserNey(countNgrams(train, vocab.size, { maxOrder: 5 }));
    const scores = scoreOrders(kn, valid, train);
    for (const { order, natsPerChar } of scores) {
      let sum = 0;
      for (let i = 0; i < valid.length; i++) sum -= kn.logProbs(ids.subarray(0, 3500 + i), order)[valid[i]];
      assert.ok(Math.abs(natsPerChar - sum / valid.length) < 1e-9, `order ${order}`);
    }
    // The streaming predictor reads the same distributions.
    const predictor = NgramPredictor.after(kn, 4, train);
    for (let i = 0; i < 50; i++) {
      assert.deepEqual([...predictor.scores()], [...kn.logProbs(ids.subarray(0, 3500 + i), 4)]);
      predictor.step(valid[i]);
    }
  });

  test('order selection picks the order with the lowest validation loss', () => {
    // An order-4 source: each character is a fixed function of the three before it, plus noise.
    const rng = seededRandom(9);
    let text = 'abc';
    while (text.length < 30000) {
      const h = text.charCodeAt(text.length - 1) * 7 + text.charCodeAt(text.length - 2) * 3 + text.charCodeAt(text.length - 3);
      text += rng.next() < 0.8 ? 'abcdefg'[h % 7] : 'abcdefg'[Math.floor(rng.next() * 7)];
    }
    const vocab = Vocab.fromText(text);
    const ids = vocab.encode(text);
    const cut = 27000;
    const selection = selectOrder(ids.subarray(0, cut), ids.subarray(cut), vocab.size, { maxOrder: 8 });
    const kn = new KneserNey(countNgrams(ids.subarray(0, cut), vocab.size, { maxOrder: 8 }));
    const losses = [2, 3, 4, 5, 6, 7, 8].map((order) => {
      let sum = 0;
      for (let i = cut; i < ids.length; i++) sum -= kn.logProbs(ids.subarray(i - 7, i), order)[ids[i]];
      return { order, loss: sum / (ids.length - cut) };
    });
    const best = losses.reduce((a, b) => (b.loss < a.loss ? b : a));
    assert.equal(selection.order, best.order, JSON.stringify(losses));
    assert.equal(best.order, 4, 'the source is order 4');
    const trained = trainKneserNey(ids, vocab.size, { maxOrder: 8 });
    assert.equal(trained.model.maxOrder, trained.order);
  });

  test('repetitive, code-like text is predicted far better than uniform', () => {
    const rng = seededRandom(4);
    const names = ['count', 'total', 'index', 'value', 'node', 'parent'];
    let text = '';
    while (text.length < 60000) {
      const a = names[Math.floor(rng.next() * names.length)], b = names[Math.floor(rng.next() * names.length)];
      text += `function ${a}Of(${b}: number): number {\n  return ${b} + ${a}.length;\n}\n\n`;
    }
    const vocab = Vocab.fromText(text);
    const ids = vocab.encode(text);
    const { model: kn, order } = trainKneserNey(ids.subarray(0, 54000), vocab.size);
    const loss = scoreOrders(kn, ids.subarray(54000), ids.subarray(0, 54000))[order - 1].natsPerChar;
    assert.ok(loss < 0.1 * Math.log(vocab.size), `${loss} nats/char vs uniform ${Math.log(vocab.size)}`);
  });

  test('a node cap keeps memory bounded and the distributions proper', () => {
    const text = randomText(seededRandom(8), 20000, 'abcdefghij ');
    const full = model(text, 8).kn;
    const { kn, vocab } = model(text, 8, 5000);
    assert.equal(kn.counts.nodes, 5000);
    assert.ok(kn.counts.capped && !full.counts.capped);
    assert.ok(full.counts.nodes > 5000);
    for (const context of ['abc', 'j j', 'aaaaaaa']) {
      const p = probs(kn, vocab.encode(context), 8);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      assert.ok(p.every((x) => x > 0));
    }
  });
});
