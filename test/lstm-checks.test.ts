// The LSTM layer's entry checks: a call the layer cannot serve (not packed for inference, a buffer
// off the heap, a count that is no count, parameters of another shape, backward with no forward)
// throws an error that says what is wrong, on every backend, where wasm would otherwise trap at a
// negative address or read another buffer's floats. And trace is recur's step plus the cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kernels } from '../src/core/nn/kernels/kernels';
import { Parameters } from '../src/core/nn/parameters';
import { LstmLayer } from '../src/core/nn/lstm';
import { seededRandom } from '../src/core/math/random';
import { backends } from './backends';

const I = 5, H = 7, T = 3;

function makeLayer(k: Kernels): LstmLayer {
  const specs = LstmLayer.specs('layer0', I, H);
  const params = new Parameters(k, specs);
  params.initialise(specs, seededRandom(1));
  return new LstmLayer(k, params, 'layer0', I, H);
}

/** Buffers for one stream of T steps, filled with numbers in [-1, 1). */
function buffers(k: Kernels) {
  const b = { x: k.alloc(T * I), gates: k.alloc(T * 4 * H), state: k.alloc(2 * H),
    out: k.alloc(T * H), cells: k.alloc(T * H) };
  const rng = seededRandom(2);
  for (const [at, n] of [[b.x, T * I], [b.gates, T * 4 * H], [b.state, 2 * H]]) {
    for (let i = 0; i < n; i++) k.heap[at + i] = rng.next() * 2 - 1;
  }
  return b;
}

/** The error of `method` called on layer0 before packForInference. */
const notPacked = (method: string) => (e: unknown) => e instanceof Error &&
  e.message === `LSTM layer0 ${method}: not packed for inference: call packForInference() after loading or training`;

for (const [name, make] of backends()) {
  test(`recur, project and trace before packForInference say so (${name})`, () => {
    const k = make();
    const layer = makeLayer(k);
    const b = buffers(k);
    assert.equal(layer.packed, false);
    assert.throws(() => layer.recur(T, b.gates, b.state, b.out), notPacked('recur'));
    assert.throws(() => layer.project(T, b.x, b.gates), notPacked('project'));
    assert.throws(() => layer.trace(T, b.gates, b.state, b.out, b.cells), notPacked('trace'));
    layer.packForInference();
    layer.project(T, b.x, b.gates);
    layer.recur(T, b.gates, b.state, b.out);
    assert.ok(Array.from(k.heap.subarray(b.out, b.out + T * H)).every(Number.isFinite));
  });

  test(`a buffer off the heap is refused, naming it and its shape (${name})`, () => {
    const k = make();
    const layer = makeLayer(k);
    const b = buffers(k);
    layer.packForInference();
    const end = k.heap.length;
    assert.throws(() => layer.recur(T, b.gates, b.state, -1), { name: 'RangeError',
      message: 'LSTM layer0 recur: out [time 3, hidden 7] (21 floats) at heap offset -1 is not a place in the heap' });
    assert.throws(() => layer.recur(T, b.gates, end - H, b.out), { message:
      `LSTM layer0 recur: state [(h, c) 2, hidden 7] (14 floats) at heap offset ${end - H} runs past the heap's end (${end} floats)` });
    assert.throws(() => layer.project(T, b.x, end - 4 * H), /LSTM layer0 project: out \[rows 3, 4\*hidden 28\]/);
    assert.throws(() => layer.trace(T, b.gates, b.state, b.out, end), /LSTM layer0 trace: cells \[time 3, hidden 7\]/);
    // Room for one stream's input at the heap's end, asked to read two.
    assert.throws(() => layer.forward(2, T, end - T * I, b.state),
      /LSTM layer0 forward: input \[time 3, batch 2, input 5\] \(30 floats\)/);
    // Nothing was written before the refusal: the state is as it was.
    const before = Array.from(k.heap.subarray(b.state, b.state + 2 * H));
    assert.throws(() => layer.recur(T, b.gates, b.state, end));
    assert.deepEqual(Array.from(k.heap.subarray(b.state, b.state + 2 * H)), before);
  });

  test(`counts that are not whole numbers are refused (${name})`, () => {
    const k = make();
    const layer = makeLayer(k);
    const b = buffers(k);
    layer.packForInference();
    assert.throws(() => layer.recur(1.5, b.gates, b.state, b.out),
      { name: 'RangeError', message: 'LSTM layer0 recur: time must be a whole number of at least 0, got 1.5' });
    assert.throws(() => layer.project(-1, b.x, b.gates), /LSTM layer0 project: rows must be .* got -1/);
    assert.throws(() => layer.forward(NaN, 1, b.x, b.state), /LSTM layer0 forward: batch must be .* got NaN/);
  });

  test(`backward, finalState and activations with no forward of that shape are refused (${name})`, () => {
    const k = make();
    const layer = makeLayer(k);
    const b = buffers(k);
    layer.forward(1, T, b.x, b.state);
    assert.throws(() => layer.backward(1, T + 1, b.out, true),
      { name: 'RangeError', message: 'LSTM layer0 backward: no forward of batch 1, time 4 ran before it' });
    assert.throws(() => layer.finalState(2, T, b.state), /LSTM layer0 finalState: no forward of batch 2, time 3/);
    assert.throws(() => layer.activations(1, 1), /LSTM layer0 activations: no forward of batch 1, time 1/);
    layer.finalState(1, T, b.state);
    assert.ok(layer.backward(1, T, b.out, true) >= 0);
  });

  test(`trace is recur's step that also keeps every cell: the same outputs and state to the bit (${name})`, () => {
    const k = make();
    const layer = makeLayer(k);
    layer.packForInference();
    const a = buffers(k), b = buffers(k);
    layer.recur(T, a.gates, a.state, a.out);
    layer.trace(T, b.gates, b.state, b.out, b.cells);
    const bits = (at: number, n: number) => Array.from(k.heap.slice(at, at + n));
    assert.deepEqual(bits(b.out, T * H), bits(a.out, T * H));
    assert.deepEqual(bits(b.gates, T * 4 * H), bits(a.gates, T * 4 * H));
    assert.deepEqual(bits(b.state, 2 * H), bits(a.state, 2 * H));
    assert.deepEqual(bits(b.cells + (T - 1) * H, H), bits(a.state + H, H), 'the last cell is the state\'s c');
  });
}

test('a layer over parameters of another shape is refused, naming the parameter and both shapes', () => {
  const k = backends()[0][1]();
  const params = new Parameters(k, LstmLayer.specs('layer1', 6, H));
  assert.throws(() => new LstmLayer(k, params, 'layer1', I, H), { name: 'RangeError',
    message: 'LSTM layer1: parameter layer1.wIh has shape [6, 28], the layer needs [input 5, 4*hidden 28]' });
  const wider = new Parameters(k, LstmLayer.specs('layer1', I, H + 1));
  assert.throws(() => new LstmLayer(k, wider, 'layer1', I, H),
    /parameter layer1\.wIh has shape \[5, 32\], the layer needs \[input 5, 4\*hidden 28\]/);
});
