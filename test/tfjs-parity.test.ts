// The fused LSTM layer against tfjs-layers' own LSTM with the same weights: outputs for every
// step and the final (h, c). tfjs-layers' gate order is i, f, c, o with kernels [input, 4*units],
// the same layout as ours (its c is our candidate g); its default recurrentActivation is
// hardSigmoid, so it is set to sigmoid here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Parameters } from '../src/core/nn/parameters';
import { LstmLayer } from '../src/core/nn/lstm';
import { seededRandom } from '../src/core/math/random';
import { backends } from './backends';

const I = 6, H = 16, B = 3, T = 9;

function randoms(n: number, seed: number): Float32Array {
  const rng = seededRandom(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

async function tfjsLstm(kernel: Float32Array, recurrent: Float32Array, bias: Float32Array,
  xBatchMajor: Float32Array, h0: Float32Array, c0: Float32Array) {
  await tf.setBackend('cpu');
  const layer = tf.layers.lstm({ units: H, returnSequences: true, returnState: true, recurrentActivation: 'sigmoid' });
  const x = tf.tensor3d(xBatchMajor, [B, T, I]);
  const initialState = [tf.tensor2d(h0, [B, H]), tf.tensor2d(c0, [B, H])];
  layer.apply(x, { initialState }); // builds the weights
  layer.setWeights([tf.tensor2d(kernel, [I, 4 * H]), tf.tensor2d(recurrent, [H, 4 * H]), tf.tensor1d(bias)]);
  const [seq, h, c] = layer.apply(x, { initialState }) as tf.Tensor[];
  return { seq: seq.dataSync() as Float32Array, h: h.dataSync() as Float32Array, c: c.dataSync() as Float32Array };
}

for (const [name, make] of backends()) {
  test(`fused LSTM equals tfjs-layers' LSTM with the same weights (${name})`, async () => {
    const kernel = randoms(I * 4 * H, 1), recurrent = randoms(H * 4 * H, 2), bias = randoms(4 * H, 3);
    const xTimeMajor = randoms(T * B * I, 4), h0 = randoms(B * H, 5), c0 = randoms(B * H, 6);
    const xBatchMajor = new Float32Array(B * T * I);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let i = 0; i < I; i++) {
      xBatchMajor[(b * T + t) * I + i] = xTimeMajor[(t * B + b) * I + i];
    }
    const want = await tfjsLstm(kernel, recurrent, bias, xBatchMajor, h0, c0);

    const k = make();
    const params = new Parameters(k, LstmLayer.specs('l', I, H));
    const layer = new LstmLayer(k, params, 'l', I, H);
    const input = k.alloc(T * B * I), state = k.alloc(2 * B * H), final = k.alloc(2 * B * H);
    k.heap.set(kernel, params.get('l.wIh').value);
    k.heap.set(recurrent, params.get('l.wHh').value);
    k.heap.set(bias, params.get('l.b').value);
    k.heap.set(xTimeMajor, input);
    k.heap.set(h0, state);
    k.heap.set(c0, state + B * H);
    const out = layer.forward(B, T, input, state);
    layer.finalState(B, T, final);
    const heap = k.heap;
    let worst = 0;
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
      const ours = heap[out + (t * B + b) * H + j], theirs = want.seq[(b * T + t) * H + j];
      worst = Math.max(worst, Math.abs(ours - theirs));
    }
    for (let i = 0; i < B * H; i++) {
      worst = Math.max(worst, Math.abs(heap[final + i] - want.h[i]), Math.abs(heap[final + B * H + i] - want.c[i]));
    }
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
  });
}
