// WasmKernels against ReferenceKernels('f32') on random data. Needs kernels.wasm: `npm run build` first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { loadWasmKernels, type WasmKernels, type WasmVariant } from '../src/core/nn/kernels/wasm';

/** Deterministic uniform [0,1) stream (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = rng(12345);
const uniform = (n: number, lo = -1, hi = 1): Float32Array =>
  Float32Array.from({ length: n }, () => lo + (hi - lo) * random());
const integers = (n: number, below: number): Float32Array =>
  Float32Array.from({ length: n }, () => Math.floor(random() * below));

/** One buffer living in both heaps. */
interface Buf { w: number; r: number; n: number }

/** The same allocations and data in a wasm and a reference-f32 heap. */
class Twin {
  readonly w: WasmKernels;
  readonly r = new ReferenceKernels('f32');

  constructor(variant: WasmVariant = 'best') {
    this.w = loadWasmKernels(variant);
  }

  put(data: ArrayLike<number> | number): Buf {
    const n = typeof data === 'number' ? data : data.length;
    const buf = { w: this.w.alloc(n), r: this.r.alloc(n), n };
    if (typeof data !== 'number') this.set(buf, data);
    return buf;
  }

  set(buf: Buf, data: ArrayLike<number>): void {
    this.w.heap.set(data, buf.w);
    this.r.heap.set(data, buf.r);
  }

  /** Copies of [wasm, reference] contents. */
  get(buf: Buf, n = buf.n): [Float32Array, Float32Array] {
    return [this.w.heap.slice(buf.w, buf.w + n) as Float32Array, Float32Array.from(this.r.heap.subarray(buf.r, buf.r + n))];
  }
}

/** |actual - expected| ≤ rtol·|expected| + atol element-wise. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (Object.is(a, e)) continue;
    if (!(Math.abs(a - e) <= rtol * Math.abs(e) + atol)) {
      assert.fail(`${what}: element ${i} is ${a}, expected ${e} (diff ${Math.abs(a - e)})`);
    }
  }
}

function assertSame(t: Twin, buf: Buf, rtol: number, atol: number, what: string): void {
  const [w, r] = t.get(buf);
  assertClose(w, r, rtol, atol, what);
}

const SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 17, 33, 65, 100];
const DEPTHS = [0, 1, 4, 5, 9, 33, 100];

function checkProduct(t: Twin, transA: boolean, m: number, n: number, k: number, accumulate: boolean,
  bufs: { a: Buf; b: Buf; c: Buf }): void {
  t.set(bufs.a, uniform(m * k));
  t.set(bufs.b, uniform(k * n));
  t.set(bufs.c, uniform(m * n));
  for (const K of [t.w, t.r]) {
    const [a, b, c] = K === t.w ? [bufs.a.w, bufs.b.w, bufs.c.w] : [bufs.a.r, bufs.b.r, bufs.c.r];
    if (transA) K.matmulTN(m, n, k, a, b, c, accumulate);
    else K.matmul(m, n, k, a, b, c, accumulate);
  }
  const [w, r] = t.get(bufs.c, m * n);
  // Inputs in [-1,1]: an f32 dot product of length k errs by about eps·sqrt(k)·sqrt(k).
  const tol = 1e-5 * Math.sqrt(Math.max(k, 1));
  assertClose(w, r, tol, tol * Math.sqrt(Math.max(k, 1)),
    `${transA ? 'matmulTN' : 'matmul'} m=${m} n=${n} k=${k} accumulate=${accumulate}`);
}

// The products differ between the two builds (fused multiply-add or not): both are checked.
for (const variant of ['fused', 'baseline'] as const) for (const transA of [false, true]) {
  const name = `${transA ? 'matmulTN' : 'matmul'} (${variant})`;
  test(`${name}: every mix of awkward sizes, overwrite and accumulate`, () => {
    const t = new Twin(variant);
    const bufs = { a: t.put(100 * 100), b: t.put(100 * 100), c: t.put(100 * 100) };
    for (const m of SIZES) for (const n of SIZES) for (const k of DEPTHS) {
      for (const accumulate of [false, true]) checkProduct(t, transA, m, n, k, accumulate, bufs);
    }
  });

  test(`${name}: sizes across the cache blocks (KC=256, MC=64, NC=512) and thin m`, () => {
    const t = new Twin(variant);
    const bufs = { a: t.put(600 * 600), b: t.put(600 * 600), c: t.put(600 * 600) };
    const shapes = [[70, 530, 300], [130, 65, 520], [1, 1024, 256], [2, 600, 257], [3, 65, 300], [65, 600, 17], [257, 9, 513]];
    for (const [m, n, k] of shapes) for (const accumulate of [false, true]) checkProduct(t, transA, m, n, k, accumulate, bufs);
  });
}

test('transpose: awkward and tiled shapes', () => {
  const t = new Twin();
  for (const [rows, cols] of [[0, 5], [5, 0], [1, 1], [1, 9], [9, 1], [3, 5], [4, 4], [8, 12], [17, 33], [33, 65], [100, 7], [70, 130]]) {
    const src = t.put(uniform(rows * cols)), dst = t.put(rows * cols);
    t.w.transpose(rows, cols, src.w, dst.w);
    t.r.transpose(rows, cols, src.r, dst.r);
    assertSame(t, dst, 0, 0, `transpose ${rows}x${cols}`);
  }
});

test('fill, copy (also overlapping), addInto, mulInto, scale', () => {
  for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 17, 33, 65, 100, 1001]) {
    const t = new Twin();
    const x = t.put(uniform(n + 8)), y = t.put(uniform(n + 8));
    t.w.fill(n, x.w, 0.25);
    t.r.fill(n, x.r, 0.25);
    assertSame(t, x, 0, 0, `fill ${n}`);
    t.set(x, uniform(n + 8));
    t.w.copy(n, x.w, y.w);
    t.r.copy(n, x.r, y.r);
    assertSame(t, y, 0, 0, `copy ${n}`);
    t.w.copy(n, x.w, x.w + 3); // forward overlap: memmove semantics
    t.r.copy(n, x.r, x.r + 3);
    t.w.copy(n, x.w + 5, x.w + 1);
    t.r.copy(n, x.r + 5, x.r + 1);
    assertSame(t, x, 0, 0, `overlapping copy ${n}`);
    t.set(y, uniform(n + 8));
    t.w.addInto(n, x.w, y.w);
    t.r.addInto(n, x.r, y.r);
    assertSame(t, y, 0, 0, `addInto ${n}`);
    t.w.mulInto(n, x.w, y.w);
    t.r.mulInto(n, x.r, y.r);
    assertSame(t, y, 0, 0, `mulInto ${n}`);
    t.w.scale(n, y.w, -1.75);
    t.r.scale(n, y.r, -1.75);
    assertSame(t, y, 0, 0, `scale ${n}`);
    t.w.scale(n, y.w, 0.1); // not an f32: the reference multiplies by the double
    t.r.scale(n, y.r, 0.1);
    assertSame(t, y, 1.2e-7, 0, `scale by 0.1 ${n}`);
  }
});

test('sumSquares accumulates in float64', () => {
  for (const n of [0, 1, 3, 4, 5, 9, 100, 100_003]) {
    const t = new Twin();
    const x = t.put(uniform(n, -3, 3));
    const w = t.w.sumSquares(n, x.w), r = t.r.sumSquares(n, x.r);
    assert.ok(Math.abs(w - r) <= 1e-12 * r, `sumSquares ${n}: ${w} vs ${r}`);
  }
});

test('broadcastRows and sumRowsInto', () => {
  for (const [rows, cols] of [[0, 3], [3, 0], [1, 1], [5, 7], [32, 65], [7, 100]]) {
    const t = new Twin();
    const row = t.put(uniform(cols)), dst = t.put(rows * cols);
    t.w.broadcastRows(rows, cols, row.w, dst.w);
    t.r.broadcastRows(rows, cols, row.r, dst.r);
    assertSame(t, dst, 0, 0, `broadcastRows ${rows}x${cols}`);
    const src = t.put(uniform(rows * cols)), sum = t.put(uniform(cols));
    t.w.sumRowsInto(rows, cols, src.w, sum.w);
    t.r.sumRowsInto(rows, cols, src.r, sum.r);
    assertSame(t, sum, 0, 0, `sumRowsInto ${rows}x${cols}`);
  }
});

test('gather and scatterAdd (repeated ids accumulate)', () => {
  for (const [n, dim, vocab] of [[0, 4, 3], [1, 1, 1], [5, 3, 2], [17, 8, 65], [100, 33, 7]]) {
    const t = new Twin();
    const table = t.put(uniform(vocab * dim)), ids = t.put(integers(n, vocab));
    const dst = t.put(n * dim);
    t.w.gather(n, dim, table.w, ids.w, dst.w);
    t.r.gather(n, dim, table.r, ids.r, dst.r);
    assertSame(t, dst, 0, 0, `gather n=${n} dim=${dim}`);
    const src = t.put(uniform(n * dim)), dTable = t.put(uniform(vocab * dim));
    t.w.scatterAdd(n, dim, src.w, ids.w, dTable.w);
    t.r.scatterAdd(n, dim, src.r, ids.r, dTable.r);
    assertSame(t, dTable, 0, 0, `scatterAdd n=${n} dim=${dim}`);
  }
});

test('lstmForward and lstmBackward on random gates', () => {
  for (const [batch, hidden] of [[1, 1], [1, 3], [3, 4], [2, 5], [3, 17], [8, 64], [4, 65]]) {
    for (const spread of [4, 100]) {
      const t = new Twin();
      const n = batch * hidden;
      const gates = t.put(uniform(4 * n, -spread, spread)), cPrev = t.put(uniform(n, -3, 3));
      const c = t.put(n), h = t.put(n);
      t.w.lstmForward(batch, hidden, gates.w, cPrev.w, c.w, h.w);
      t.r.lstmForward(batch, hidden, gates.r, cPrev.r, c.r, h.r);
      const what = `batch=${batch} hidden=${hidden} spread=${spread}`;
      assertSame(t, gates, 1e-6, 1e-30, `lstmForward activations ${what}`);
      // c = f·cPrev + i·g can cancel: absolute error relative to its terms (≤ 3 + 1).
      assertSame(t, c, 1e-6, 4e-7, `lstmForward c ${what}`);
      assertSame(t, h, 1e-6, 4e-7, `lstmForward h ${what}`);

      const dh = t.put(uniform(n)), dc = t.put(uniform(n)), dGates = t.put(4 * n);
      t.w.lstmBackward(batch, hidden, gates.w, cPrev.w, c.w, dh.w, dc.w, dGates.w);
      t.r.lstmBackward(batch, hidden, gates.r, cPrev.r, c.r, dh.r, dc.r, dGates.r);
      assertSame(t, dGates, 1e-5, 1e-6, `lstmBackward dGates ${what}`);
      assertSame(t, dc, 1e-5, 1e-6, `lstmBackward dc ${what}`);
    }
  }
});

test('tanhInPlace: within 1e-6 relative of Math.tanh, from 1e-30 to ±100', () => {
  const t = new Twin();
  const values: number[] = [0, -0, 1e-30, -1e-20, 1e-7, 0.6249, 0.625, 0.6251, 9, 10, 20, -100, 100, 3e38, -3e38];
  for (let i = 0; i < 20000; i++) values.push((random() - 0.5) * 2 * Math.exp((random() - 0.5) * 12));
  const x = t.put(values);
  t.w.tanhInPlace(values.length, x.w);
  t.r.tanhInPlace(values.length, x.r);
  assertSame(t, x, 1e-6, 0, 'tanhInPlace');
  for (const n of [1, 3, 5]) {
    const y = t.put(uniform(n, -2, 2));
    t.w.tanhInPlace(n, y.w);
    t.r.tanhInPlace(n, y.r);
    assertSame(t, y, 1e-6, 0, `tanhInPlace tail n=${n}`);
  }
  const h = t.put(uniform(101)), dh = t.put(uniform(101)), dPre = t.put(101);
  t.w.tanhBackward(101, h.w, dh.w, dPre.w);
  t.r.tanhBackward(101, h.r, dh.r, dPre.r);
  assertSame(t, dPre, 1e-6, 1e-7, 'tanhBackward');
});

test('softmaxCrossEntropy: loss, gradient, in-place gradient, no gradient', () => {
  for (const [rows, vocab] of [[0, 5], [1, 1], [1, 3], [3, 4], [7, 5], [16, 65], [5, 100]]) {
    for (const spread of [3, 40]) {
      const t = new Twin();
      const logits = t.put(uniform(rows * vocab, -spread, spread)), targets = t.put(integers(rows, vocab));
      const what = `rows=${rows} vocab=${vocab} spread=${spread}`;
      const gradScale = 1 / Math.max(rows, 1);
      const closeLoss = (w: number, r: number, mode: string): void =>
        assert.ok(Math.abs(w - r) <= 1e-6 * Math.abs(r) + 1e-6 * rows, `${mode} loss ${what}: ${w} vs ${r}`);

      closeLoss(t.w.softmaxCrossEntropy(rows, vocab, logits.w, targets.w, -1, gradScale),
        t.r.softmaxCrossEntropy(rows, vocab, logits.r, targets.r, -1, gradScale), 'no-gradient');
      assertSame(t, logits, 0, 0, `no-gradient leaves logits alone ${what}`);

      const d = t.put(rows * vocab);
      closeLoss(t.w.softmaxCrossEntropy(rows, vocab, logits.w, targets.w, d.w, gradScale),
        t.r.softmaxCrossEntropy(rows, vocab, logits.r, targets.r, d.r, gradScale), 'gradient');
      assertSame(t, d, 1e-5, 1e-7 * gradScale, `gradient ${what}`);

      closeLoss(t.w.softmaxCrossEntropy(rows, vocab, logits.w, targets.w, logits.w, gradScale),
        t.r.softmaxCrossEntropy(rows, vocab, logits.r, targets.r, logits.r, gradScale), 'in-place');
      assertSame(t, logits, 1e-5, 1e-7 * gradScale, `in-place gradient ${what}`);
    }
  }
});

test('adam: several steps on random parameters', () => {
  for (const n of [0, 1, 3, 4, 7, 100, 1001]) {
    const t = new Twin();
    const param = t.put(uniform(n)), grad = t.put(n), m = t.put(n), v = t.put(n);
    for (let step = 1; step <= 5; step++) {
      t.set(grad, uniform(n, -0.1, 0.1));
      const stepSize = 1e-3 * Math.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step);
      t.w.adam(n, param.w, grad.w, m.w, v.w, stepSize, 0.9, 0.999, 1e-8);
      t.r.adam(n, param.r, grad.r, m.r, v.r, stepSize, 0.9, 0.999, 1e-8);
    }
    // m mixes gradients of both signs: f32 cancellation, so tolerance relative to |g| ≤ 0.1.
    assertSame(t, m, 1e-6, 1e-8, `adam m n=${n}`);
    assertSame(t, v, 1e-5, 1e-14, `adam v n=${n}`);
    assertSame(t, param, 1e-6, 1e-9, `adam param n=${n}`);
  }
});

test('alloc: 16-byte aligned, zeroed, and earlier data survives memory growth', () => {
  const k = loadWasmKernels();
  const first = k.alloc(3);
  const second = k.alloc(5);
  assert.equal((first * 4) % 16, 0);
  assert.equal((second * 4) % 16, 0);
  assert.ok(second >= first + 3);
  const pattern = uniform(1000);
  const kept = k.alloc(1000);
  k.heap.set(pattern, kept);
  const before = k.heap.buffer.byteLength;
  const big = k.alloc(before / 4 + 12345); // cannot fit: forces memory.grow
  assert.ok(k.heap.buffer.byteLength > before, 'memory grew');
  assert.ok(k.heap.length >= big + before / 4 + 12345, 'heap view covers the new allocation');
  assert.deepEqual(k.heap.subarray(kept, kept + 1000), pattern);
  assert.ok(k.heap.subarray(big, big + before / 4 + 12345).every((x) => x === 0), 'new block is zero');
  // Kernels still work on both sides of the old end of memory.
  k.copy(1000, kept, big + before / 4);
  assert.deepEqual(k.heap.subarray(big + before / 4, big + before / 4 + 1000), pattern);
});

test('loadWasmKernels: each instance owns its memory', () => {
  const a = loadWasmKernels(), b = loadWasmKernels();
  const pa = a.alloc(4), pb = b.alloc(4);
  a.fill(4, pa, 7);
  assert.deepEqual(Array.from(b.heap.subarray(pb, pb + 4)), [0, 0, 0, 0]);
  assert.equal(a.name, 'wasm');
});

test('loadWasmKernels: the fused build runs here (relaxed SIMD, behind a V8 flag on Node 20) and best picks it', () => {
  assert.equal(loadWasmKernels('fused').fused, true);
  assert.equal(loadWasmKernels('baseline').fused, false);
  assert.equal(loadWasmKernels().fused, process.env.CHAR_LSTM_WASM !== 'baseline');
  assert.match(loadWasmKernels().description, /^wasm \(/);
});
