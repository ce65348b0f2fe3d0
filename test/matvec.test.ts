// The batch-1 products: packPanels / matvecPanels and matmul's thin-matrix path (m = 1..3),
// wasm against the plain-JS reference on awkward sizes. Needs kernels.wasm: `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { loadWasmKernels } from '../src/core/nn/kernels/wasm';
import { panelsSize, type Kernels } from '../src/core/nn/kernels/kernels';
import { seededRandom } from '../src/core/sampling/random';

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

test('packPanels: the same layout on wasm and reference, the last panel zero-padded', () => {
  for (const n of WIDTHS) for (const k of [1, 3, 7, 64]) {
    const b = uniform(k * n);
    const got: Float32Array[] = [];
    for (const K of [loadWasmKernels(), new ReferenceKernels('f32')]) {
      const dst = K.alloc(panelsSize(k, n) + 16);
      K.fill(panelsSize(k, n) + 16, dst, 42); // padding must be written, and nothing past the end
      K.packPanels(k, n, put(K, b), dst);
      got.push(read(K, dst, panelsSize(k, n) + 16));
    }
    assert.deepEqual(got[0], got[1], `packPanels k=${k} n=${n}`);
    const panels = got[1];
    // Spot-check the layout itself: b[p, j] lives in panel floor(j/16), row p, lane j%16.
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) {
      assert.equal(panels[(Math.floor(j / 16) * k + p) * 16 + (j % 16)], b[p * n + j]);
    }
    for (let i = panelsSize(k, n); i < panels.length; i++) assert.equal(panels[i], 42, 'wrote past the end');
  }
});

test('matvecPanels: wasm and reference agree with a plain product, overwrite and accumulate', () => {
  const w = loadWasmKernels(), r = new ReferenceKernels('f32');
  for (const n of WIDTHS) for (const k of DEPTHS) for (const accumulate of [false, true]) {
    const b = uniform(k * n), x = uniform(k), y0 = uniform(n + 4);
    // Expected, in float64: y (+)= x·b.
    const want = new Float32Array(n + 4);
    for (let j = 0; j < n + 4; j++) {
      let s = accumulate || j >= n ? y0[j] : 0;
      if (j < n) for (let p = 0; p < k; p++) s += x[p] * b[p * n + j];
      want[j] = s;
    }
    for (const K of [w, r]) {
      const panels = K.alloc(panelsSize(k, n));
      K.packPanels(k, n, put(K, b), panels);
      const y = put(K, y0);
      K.matvecPanels(n, k, put(K, x), panels, y, accumulate);
      // The 4 floats after y are checked too: the padded last panel must not spill into them.
      assertClose(read(K, y, n + 4), want, k, `${K.name} matvecPanels n=${n} k=${k} accumulate=${accumulate}`);
    }
  }
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
