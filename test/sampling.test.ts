import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeStrategy,
  greedy,
  logSoftmax,
  mathRandom,
  parseStrategy,
  pick,
  sampleTemperature,
  sampleTopK,
  sampleTopP,
  seededRandom,
  softmax,
  type Random,
  type Strategy,
} from '../src/core/sampling';

/** Logits uniform in [-spread, spread), length 2..maxV. */
function randomLogits(rng: Random, maxV = 40, spread = 5): Float64Array {
  const v = 2 + Math.floor(rng.next() * (maxV - 1));
  return Float64Array.from({ length: v }, () => (rng.next() * 2 - 1) * spread);
}

/** Ids sorted by descending value, computed independently of the library. */
function naiveOrder(values: ArrayLike<number>): number[] {
  return [...Array(values.length).keys()].sort((a, b) => values[b] - values[a] || a - b);
}

function counts(v: number, draws: number, draw: () => number): number[] {
  const c = new Array<number>(v).fill(0);
  for (let i = 0; i < draws; i++) c[draw()]++;
  return c;
}

test('greedy is the argmax, ties to the lowest id', () => {
  assert.equal(greedy([1, 3, 2]), 1);
  assert.equal(greedy(Float32Array.of(-1, 7, 7, 2)), 1);
  assert.equal(greedy([-Infinity, -5, -Infinity]), 1);
  const rng = seededRandom(1);
  for (let t = 0; t < 200; t++) {
    const logits = randomLogits(rng);
    assert.equal(greedy(logits), naiveOrder(logits)[0]);
  }
});

test('greedy refuses empty, all -Infinity and NaN logits', () => {
  assert.throws(() => greedy([]), /no logits/);
  assert.throws(() => greedy([-Infinity, -Infinity]), /every logit is -Infinity/);
  assert.throws(() => greedy([0, NaN]), /logit 1 is NaN/);
});

test('softmax sums to 1 and matches exp(logSoftmax)', () => {
  const rng = seededRandom(2);
  for (let t = 0; t < 50; t++) {
    const logits = randomLogits(rng);
    for (const T of [0.3, 1, 4]) {
      const p = softmax(logits, T);
      const lp = logSoftmax(logits, T);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      for (let i = 0; i < p.length; i++) assert.ok(Math.abs(Math.exp(lp[i]) - p[i]) < 1e-12);
    }
  }
  assert.throws(() => softmax([1, 2], 0), /temperature must be a finite number > 0, got 0/);
});

test('top-k never leaves the top k', () => {
  const rng = seededRandom(3);
  for (let t = 0; t < 200; t++) {
    const logits = randomLogits(rng);
    const k = 1 + Math.floor(rng.next() * (logits.length + 2));
    const allowed = new Set(naiveOrder(logits).slice(0, k));
    const T = 0.5 + rng.next() * 3;
    for (let d = 0; d < 100; d++) {
      const id = sampleTopK(logits, k, T, rng);
      assert.ok(allowed.has(id), `id ${id} outside top ${k}`);
    }
  }
});

test('top-k with k = 1 is greedy; k ≥ V reaches every id', () => {
  const rng = seededRandom(4);
  const logits = [0.1, 0.3, 0.2, 0.0];
  for (let d = 0; d < 100; d++) assert.equal(sampleTopK(logits, 1, 5, rng), 1);
  const seen = counts(4, 2000, () => sampleTopK(logits, 10, 1, rng));
  assert.ok(seen.every((c) => c > 0));
});

test('top-p never leaves the nucleus, which always holds the top id', () => {
  const rng = seededRandom(5);
  for (let t = 0; t < 200; t++) {
    const logits = randomLogits(rng);
    const p = 0.05 + rng.next() * 0.95;
    const T = 0.5 + rng.next() * 3;
    const probs = softmax(logits, T);
    const nucleus = new Set<number>();
    let mass = 0;
    for (const id of naiveOrder(probs)) {
      nucleus.add(id);
      mass += probs[id];
      if (mass >= p) break;
    }
    for (let d = 0; d < 100; d++) {
      const id = sampleTopP(logits, p, T, rng);
      assert.ok(nucleus.has(id), `id ${id} outside the p=${p} nucleus`);
    }
  }
  // A nucleus smaller than the top id's own mass is just the top id.
  const logits = [0.5, 2, 1, -1];
  for (let d = 0; d < 100; d++) assert.equal(sampleTopP(logits, 1e-9, 1, rng), 1);
});

test('top-p stops at the exact boundary and renormalises', () => {
  const rng = seededRandom(6);
  const logits = [0.5, 0.3, 0.15, 0.05].map(Math.log);
  // 0.5 + 0.3 reaches p = 0.8 exactly (up to rounding): the nucleus is {0, 1}.
  const c = counts(4, 20000, () => sampleTopP(logits, 0.8, 1, rng));
  assert.equal(c[2] + c[3], 0);
  assert.ok(Math.abs(c[0] / 20000 - 0.625) < 0.015, `freq of id 0: ${c[0] / 20000}`);
});

test('temperature → 0 approaches greedy', () => {
  const rng = seededRandom(7);
  for (let t = 0; t < 100; t++) {
    // Distinct logits at least 0.1 apart: at T = 1e-3 a runner-up has weight ≤ e^-100.
    const v = 2 + Math.floor(rng.next() * 30);
    const logits = naiveOrder(Array.from({ length: v }, () => rng.next())).map((r) => r * 0.1);
    const best = greedy(logits);
    for (let d = 0; d < 50; d++) assert.equal(sampleTemperature(logits, 1e-3, rng), best);
  }
});

test('high temperature approaches uniform', () => {
  const rng = seededRandom(8);
  const v = 10;
  const draws = 20000;
  const logits = Float64Array.from({ length: v }, (_, i) => i - 5);
  const c = counts(v, draws, () => sampleTemperature(logits, 1e3, rng));
  const expected = draws / v;
  const chi2 = c.reduce((s, x) => s + (x - expected) ** 2 / expected, 0);
  // 9 degrees of freedom: mean 9; 40 is far in the tail (p < 1e-5).
  assert.ok(chi2 < 40, `chi-square ${chi2.toFixed(1)}`);
});

test('T = 1 frequencies match softmax over 20k draws', () => {
  const rng = seededRandom(9);
  const logits = Float32Array.of(2, 1, 0.5, 0, -1, -3);
  const probs = softmax(logits);
  const draws = 20000;
  const c = counts(logits.length, draws, () => sampleTemperature(logits, 1, rng));
  for (let i = 0; i < probs.length; i++) {
    // Binomial sd ≤ 0.0035 at 20k draws; 0.012 is > 3 sd.
    assert.ok(Math.abs(c[i] / draws - probs[i]) < 0.012, `id ${i}: ${c[i] / draws} vs ${probs[i]}`);
  }
});

test('seededRandom: same seed same sequence, different seeds differ, values in [0, 1)', () => {
  const seq = (seed: number) => {
    const r = seededRandom(seed);
    return Array.from({ length: 1000 }, () => r.next());
  };
  assert.deepEqual(seq(42), seq(42));
  assert.notDeepEqual(seq(42), seq(43));
  assert.notDeepEqual(seq(0), seq(1));
  for (const x of [...seq(0), ...seq(123456789)]) assert.ok(x >= 0 && x < 1);
  for (let i = 0; i < 1000; i++) {
    const x = mathRandom.next();
    assert.ok(x >= 0 && x < 1);
  }
  assert.throws(() => seededRandom(NaN), /seed must be a finite number/);
});

test('same seed gives the same picks, different seeds different', () => {
  const logits = Float32Array.from({ length: 60 }, (_, i) => Math.sin(i));
  const strategies: Strategy[] = [
    { kind: 'temperature', temperature: 1 },
    { kind: 'topk', k: 20, temperature: 1.2 },
    { kind: 'topp', p: 0.95, temperature: 1.5 },
  ];
  for (const s of strategies) {
    const run = (seed: number) => {
      const rng = seededRandom(seed);
      return Array.from({ length: 200 }, () => pick(logits, s, rng));
    };
    assert.deepEqual(run(7), run(7), describeStrategy(s));
    assert.notDeepEqual(run(7), run(8), describeStrategy(s));
  }
});

test('pick dispatches on the strategy kind', () => {
  const logits = [0.2, 3, 1];
  const rng = seededRandom(10);
  assert.equal(pick(logits, { kind: 'greedy' }, rng), 1);
  assert.equal(pick(logits, { kind: 'topk', k: 1, temperature: 9 }, rng), 1);
  assert.equal(pick(logits, { kind: 'topp', p: 1e-6, temperature: 9 }, rng), 1);
  assert.equal(pick(logits, { kind: 'temperature', temperature: 1e-4 }, rng), 1);
});

test('parseStrategy accepts names, aliases and defaults', () => {
  assert.deepEqual(parseStrategy('greedy', { temperature: 0 }), { kind: 'greedy' });
  assert.deepEqual(parseStrategy('temperature', { temperature: 0.7 }), { kind: 'temperature', temperature: 0.7 });
  assert.deepEqual(parseStrategy('top-k', { k: 5, temperature: 0.8 }), { kind: 'topk', k: 5, temperature: 0.8 });
  assert.deepEqual(parseStrategy('TopK', {}), { kind: 'topk', k: 10, temperature: 1 });
  assert.deepEqual(parseStrategy('top-p', { p: 1 }), { kind: 'topp', p: 1, temperature: 1 });
  assert.deepEqual(parseStrategy('nucleus', {}), { kind: 'topp', p: 0.9, temperature: 1 });
});

test('parseStrategy rejects bad values with clear messages', () => {
  const bad: [string, { temperature?: number; k?: number; p?: number }, RegExp][] = [
    ['temperature', { temperature: 0 }, /^temperature must be a finite number > 0, got 0 /],
    ['temperature', { temperature: -1 }, /^temperature must be a finite number > 0, got -1 /],
    ['topk', { temperature: Infinity }, /^temperature must be a finite number > 0, got Infinity /],
    ['topp', { temperature: NaN }, /^temperature must be a finite number > 0, got NaN /],
    ['topk', { k: 0 }, /^k must be a whole number ≥ 1, got 0$/],
    ['topk', { k: 2.5 }, /^k must be a whole number ≥ 1, got 2\.5$/],
    ['topk', { k: NaN }, /^k must be a whole number ≥ 1, got NaN$/],
    ['topp', { p: 0 }, /^p must be a number in \(0, 1\], got 0$/],
    ['topp', { p: 1.5 }, /^p must be a number in \(0, 1\], got 1\.5$/],
    ['topp', { p: NaN }, /^p must be a number in \(0, 1\], got NaN$/],
    ['beam', {}, /^unknown sampling strategy "beam"; expected greedy, temperature, top-k or top-p$/],
  ];
  for (const [name, opts, message] of bad) assert.throws(() => parseStrategy(name, opts), { message });
});

test('describeStrategy', () => {
  assert.equal(describeStrategy({ kind: 'greedy' }), 'greedy');
  assert.equal(describeStrategy({ kind: 'temperature', temperature: 0.8 }), 'temperature (T=0.8)');
  assert.equal(describeStrategy({ kind: 'topk', k: 5, temperature: 0.8 }), 'top-k (k=5, T=0.8)');
  assert.equal(describeStrategy({ kind: 'topp', p: 0.9, temperature: 1 }), 'top-p (p=0.9, T=1)');
});

test('no NaN for huge-magnitude logits or -Infinity entries', () => {
  const rng = seededRandom(11);
  const cases: number[][] = [
    [1e4, -1e4, 0, 9999.5],
    [-1e4, -1e4 + 1, -1e4 + 0.5],
    [-Infinity, 2, -Infinity, 1],
    [-Infinity, -1e4, -Infinity],
    [Infinity, 3, Infinity, -Infinity],
  ];
  for (const raw of cases) {
    for (const logits of [raw, Float32Array.from(raw), Float64Array.from(raw)]) {
      for (const T of [1e-3, 1, 100]) {
        const p = softmax(logits, T);
        assert.ok(p.every((x) => Number.isFinite(x) && x >= 0), `softmax ${raw} T=${T}: ${p}`);
        assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
        assert.ok(logSoftmax(logits, T).every((x) => !Number.isNaN(x)));
        const strategies: Strategy[] = [
          { kind: 'greedy' },
          { kind: 'temperature', temperature: T },
          { kind: 'topk', k: 2, temperature: T },
          { kind: 'topp', p: 0.9, temperature: T },
        ];
        for (const s of strategies) {
          for (let d = 0; d < 50; d++) {
            const id = pick(logits, s, rng);
            assert.ok(Number.isInteger(id) && id >= 0 && id < raw.length);
            assert.notEqual(raw[id], -Infinity, `${describeStrategy(s)} chose a masked id`);
            assert.ok(p[id] > 0, `${describeStrategy(s)} chose an id of probability 0`);
          }
        }
      }
    }
  }
  assert.throws(() => pick([-Infinity, -Infinity], { kind: 'topk', k: 1, temperature: 1 }, rng), /every logit is -Infinity/);
});
