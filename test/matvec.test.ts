// The batch-1 products: packQuantized / matvecQuantized and matmul's thin-matrix path (m = 1..3),
// wasm against the plain-JS reference on awkward sizes. Needs kernels.wasm: `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { loadWasmKernels } from '../src/core/nn/kernels/wasm';
import { quantizedSize, type Kernels } from '../src/core/nn/kernels/kernels';
import { seededRandom } from '../src/core/math/random';

const rng = seededRandom(7);
const uniform = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);

/** Copies `data` into a fresh buffer of k's heap; returns its offset. */
function put(k: Kernels, data: Float32Array): number {
  const at = k.alloc(data.length);
  k.heap.set(data, at);
  return at;
}

const read = (k: Kernels, at: number, n: number): Float32Array => Float32Array.from(k.heap.subarray(at, at + n));

/** An f32 dot product of length k over [-1,1] errs by about eps·k in the worst case. */
function assertClose(got: Float32Array, want: Float32Array, depth: number, what: string): void {
  const tol = 1e-6 * (depth + 4);
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) {
      assert.fail(`${what}: element ${i} is ${got[i]}, expected ${want[i]}`);
    }
  }
}

const WIDTHS = [1, 3, 4, 5, 8, 15, 16, 17, 31, 33, 65, 100, 1024];
const DEPTHS = [0, 1, 2, 3, 4, 5, 7, 64, 255, 256, 257];

/** y (+)= x·b in float64, and the error bound of the quantised product: half a step of each factor. */
function exactAndBound(b: Float32Array, x: Float32Array, y0: Float32Array, n: number, k: number, accumulate: boolean) {
  const want = new Float64Array(n + 4), bound = new Float64Array(n + 4);
  let xMax = 0;
  for (let p = 0; p < k; p++) xMax = Math.max(xMax, Math.abs(x[p]));
  for (let j = 0; j < n + 4; j++) {
    let s = accumulate || j >= n ? y0[j] : 0, colMax = 0, sumX = 0, sumB = 0;
    if (j < n) {
      for (let p = 0; p < k; p++) colMax = Math.max(colMax, Math.abs(b[p * n + j]));
      for (let p = 0; p < k; p++) {
        s += x[p] * b[p * n + j];
        sumX += Math.abs(x[p]);
        sumB += Math.abs(b[p * n + j]);
      }
    }
    want[j] = s;
    // |x_p|·(colMax/16383)/2 + |b_pj|·(xMax/8191)/2 per term (plus the product of the two halves), and f32 rounding.
    bound[j] = (sumX * colMax / 16383 + sumB * xMax / 8191) / 2 + k * (colMax / 16383) * (xMax / 8191) / 4 + 1e-6 * (k + 4) * (1 + Math.abs(s));
  }
  return { want, bound };
}

test('matvecQuantized: within half a 16-bit step of each weight and a 13-bit step of x of the exact product, wasm as the reference', () => {
  const w = loadWasmKernels(), r = new ReferenceKernels('f32'), r64 = new ReferenceKernels('f64');
  for (const n of WIDTHS) for (const k of [...DEPTHS, 1000]) for (const accumulate of [false, true]) {
    // Columns of very different magnitudes: each has a scale of its own.
    const b = uniform(k * n).map((v, i) => v * 10 ** ((i % n) % 5 - 2)), x = uniform(k), y0 = uniform(n + 4);
    const { want, bound } = exactAndBound(b, x, y0, n, k, accumulate);
    const got: Float32Array[] = [];
    for (const K of [w, r, r64]) {
      const packed = K.alloc(quantizedSize(k, n));
      K.packQuantized(k, n, put(K, b), packed);
      const y = put(K, y0);
      K.matvecQuantized(n, k, put(K, x), packed, y, accumulate);
      // The 4 floats after y are checked too: the padded last panel must not spill into them.
      const out = read(K, y, n + 4);
      for (let j = 0; j < n + 4; j++) {
        assert.ok(Math.abs(out[j] - want[j]) <= bound[j], `${K.name} n=${n} k=${k} accumulate=${accumulate}: y[${j}] = ${out[j]}, exact ${want[j]}, bound ${bound[j]}`);
      }
      got.push(out);
    }
    // The same integers on both sides: wasm and the reference differ by float rounding only.
    assertClose(got[0], got[1], k, `wasm vs reference n=${n} k=${k}`);
  }
});

test('matvecQuantized: the largest products of the longest input sum without overflow; zero x gives exactly zero', () => {
  const w = loadWasmKernels();
  for (const sign of [1, -1]) {
    const k = 4096, n = 20;
    const b = new Float32Array(k * n).fill(sign), x = new Float32Array(k).fill(1);
    const packed = w.alloc(quantizedSize(k, n));
    w.packQuantized(k, n, put(w, b), packed);
    const y = put(w, new Float32Array(n));
    w.matvecQuantized(n, k, put(w, x), packed, y, false);
    for (const v of read(w, y, n)) assert.ok(Math.abs(v - sign * k) <= 1e-5 * k, `${v} vs ${sign * k}`);
    w.matvecQuantized(n, k, put(w, new Float32Array(k)), packed, y, false);
    assert.deepEqual(Array.from(read(w, y, n)), new Array(n).fill(0));
  }
  assert.throws(() => w.packQuantized(16385, 16, 0, 0), /at most 16384/);
});

test('matmul with m = 1, 2, 3 (the thin-matrix path) against the reference', () => {
  const w = loadWasmKernels(), r = new ReferenceKernels('f32');
  for (const m of [1, 2, 3]) for (const n of WIDTHS) for (const k of DEPTHS) for (const accumulate of [false, true]) {
    const a = uniform(m * k), b = uniform(k * n), c0 = uniform(m * n + 4);
    const got: Float32Array[] = [];
    for (const K of [w, r]) {
      const c = put(K, c0);
      K.matmul(m, n, k, put(K, a), put(K, b), c, accumulate);
      got.push(read(K, c, m * n + 4));
    }
    assertClose(got[0], got[1], k, `matmul m=${m} n=${n} k=${k} accumulate=${accumulate}`);
  }
});
