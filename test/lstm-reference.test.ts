// The fused LSTM layer against a naive step-by-step LSTM written out plainly here, on every
// kernel backend: outputs for every step and the final (h, c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import type { Kernels } from '../src/core/nn/kernels/kernels';
import { Parameters } from '../src/core/nn/parameters';
import { LstmLayer } from '../src/core/nn/lstm';
import { seededRandom } from '../src/core/math/random';
import { backends } from './backends';

const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** Naive LSTM, gate order i, f, g, o; W [in][4H], U [H][4H] as nested arrays; x [t][b][in]. */
function naiveLstm(W: number[][], U: number[][], bias: number[], x: number[][][], h0: number[][], c0: number[][]) {
  const H = U.length;
  let h = h0.map((r) => [...r]), c = c0.map((r) => [...r]);
  const outputs: number[][][] = [];
  // gates[name] is [time][batch][unit], for the activations the panel draws.
  const gates: Record<'i' | 'f' | 'g' | 'o' | 'c', number[][][]> = { i: [], f: [], g: [], o: [], c: [] };
  for (const xt of x) {
    const nh: number[][] = [], nc: number[][] = [];
    for (const name of ['i', 'f', 'g', 'o'] as const) gates[name].push(xt.map(() => []));
    xt.forEach((xb, b) => {
      nh.push([]); nc.push([]);
      for (let j = 0; j < H; j++) {
        const pre = (gate: number) => {
          let s = bias[gate * H + j];
          xb.forEach((v, p) => { s += v * W[p][gate * H + j]; });
          h[b].forEach((v, p) => { s += v * U[p][gate * H + j]; });
          return s;
        };
        const i = sig(pre(0)), f = sig(pre(1)), g = Math.tanh(pre(2)), o = sig(pre(3));
        const t = gates.i.length - 1;
        gates.i[t][b][j] = i; gates.f[t][b][j] = f; gates.g[t][b][j] = g; gates.o[t][b][j] = o;
        nc[b][j] = f * c[b][j] + i * g;
        nh[b][j] = o * Math.tanh(nc[b][j]);
      }
    });
    h = nh; c = nc;
    outputs.push(h);
    gates.c.push(c);
  }
  return { outputs, h, c, gates };
}

function check(k: Kernels, tol: number) {
  const I = 5, H = 7, B = 3, T = 6;
  const rng = seededRandom(1);
  const r = () => rng.next() * 2 - 1;
  const specs = LstmLayer.specs('l', I, H);
  const params = new Parameters(k, specs);
  const layer = new LstmLayer(k, params, 'l', I, H);
  const W = Array.from({ length: I }, () => Array.from({ length: 4 * H }, r));
  const U = Array.from({ length: H }, () => Array.from({ length: 4 * H }, r));
  const bias = Array.from({ length: 4 * H }, r);
  const x = Array.from({ length: T }, () => Array.from({ length: B }, () => Array.from({ length: I }, r)));
  const h0 = Array.from({ length: B }, () => Array.from({ length: H }, r));
  const c0 = Array.from({ length: B }, () => Array.from({ length: H }, r));
  const input = k.alloc(T * B * I), state = k.alloc(2 * B * H), finalState = k.alloc(2 * B * H);
  let heap = k.heap;
  heap.set(W.flat(), params.get('l.wIh').value);
  heap.set(U.flat(), params.get('l.wHh').value);
  heap.set(bias, params.get('l.b').value);
  heap.set(x.flat(2), input);
  heap.set([...h0.flat(), ...c0.flat()], state);
  const out = layer.forward(B, T, input, state);
  layer.finalState(B, T, finalState);
  heap = k.heap;
  const want = naiveLstm(W, U, bias, x, h0, c0);
  const got = Array.from(heap.subarray(out, out + T * B * H));
  want.outputs.flat(2).forEach((v, i) => assert.ok(Math.abs(v - got[i]) < tol, `output ${i}: ${got[i]} vs ${v}`));
  const fin = Array.from(heap.subarray(finalState, finalState + 2 * B * H));
  [...want.h.flat(), ...want.c.flat()].forEach((v, i) => assert.ok(Math.abs(v - fin[i]) < tol, `state ${i}`));
  const act = layer.activations(B, T);
  for (const name of ['i', 'f', 'g', 'o', 'c'] as const) {
    // Activations are handed out as float32 whatever the heap.
    want.gates[name].flat(2).forEach((v, n) => assert.ok(Math.abs(v - act[name][n]) < Math.max(tol, 1e-6), `${name} ${n}: ${act[name][n]} vs ${v}`));
  }
  // The initial state is untouched: the caller decides when to carry.
  assert.deepEqual(Array.from(heap.subarray(state, state + B * H)).map((v) => Math.fround(v)), h0.flat().map((v) => Math.fround(v)));
}

for (const [name, make, tol] of backends()) {
  test(`fused LSTM equals a naive step-by-step LSTM (${name})`, () => check(make(), tol));
}
test('reference-f64 is exact to 1e-12', () => check(new ReferenceKernels('f64'), 1e-12));
