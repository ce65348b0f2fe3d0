// Numeric gradient check of the whole model (embedding, fused LSTM / RNN, dense, softmax
// cross-entropy) in float64: every parameter's analytic gradient against central differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { CharModel } from '../src/core/model/char-model';
import type { ModelConfig } from '../src/core/model/config';
import { seededRandom } from '../src/core/math/random';

function setup(config: ModelConfig, batch: number, time: number) {
  const k = new ReferenceKernels('f64');
  const model = new CharModel(k, config, seededRandom(7));
  const rng = seededRandom(11);
  const { ids, targets } = model.inputs(batch, time);
  const state = model.newState(batch);
  const heap = k.heap;
  for (let r = 0; r < batch * time; r++) {
    heap[ids + r] = Math.floor(rng.next() * config.vocabSize);
    heap[targets + r] = Math.floor(rng.next() * config.vocabSize);
  }
  // A non-zero carried state, as in the middle of an epoch.
  for (let i = 0; i < batch * model.stateSize; i++) heap[state + i] = rng.next() - 0.5;
  // With dropout, every evaluation draws the same masks from a fresh seeded source.
  const masks = () => (config.dropout > 0 ? seededRandom(5) : undefined);
  const lossAt = () => model.loss(batch, time, model.forward(batch, time, state, masks()), false);
  return { k, model, state, lossAt, masks };
}

function gradcheck(config: ModelConfig) {
  const batch = 2, time = 4;
  const { k, model, state, lossAt, masks } = setup(config, batch, time);
  model.params.zeroGrads();
  const logits = model.forward(batch, time, state, masks());
  model.loss(batch, time, logits, true);
  model.backward(batch, time, logits);
  const heap = k.heap;
  const eps = 1e-5;
  let checked = 0, worst = 0;
  for (const p of model.params.list) {
    for (let i = 0; i < p.size; i++) {
      const saved = heap[p.value + i];
      heap[p.value + i] = saved + eps;
      const up = lossAt();
      heap[p.value + i] = saved - eps;
      const down = lossAt();
      heap[p.value + i] = saved;
      const numeric = (up - down) / (2 * eps);
      const analytic = heap[p.grad + i];
      const err = Math.abs(numeric - analytic) / Math.max(1e-6, Math.abs(numeric) + Math.abs(analytic));
      worst = Math.max(worst, err);
      // Central differences at eps 1e-5 carry ~1e-11 of truncation error, which dominates the
      // relative error of gradients far below 1e-6: those are held to that absolute error instead.
      assert.ok(err < 1e-5 || Math.abs(numeric - analytic) < 1e-10, `${p.name}[${i}]: analytic ${analytic} vs numeric ${numeric}`);
      checked++;
    }
  }
  return { checked, worst };
}

const small = { vocabSize: 5, embedding: 3, hidden: 4, layers: 2, dropout: 0 };

test('LSTM model: analytic gradients match central differences for every parameter', () => {
  const { checked, worst } = gradcheck({ ...small, cell: 'lstm' });
  assert.ok(checked > 300);
  console.log(`  lstm: ${checked} parameters checked, worst relative error ${worst.toExponential(2)}`);
});

test('vanilla RNN model: analytic gradients match central differences for every parameter', () => {
  const { checked, worst } = gradcheck({ ...small, cell: 'rnn' });
  assert.ok(checked > 100);
  console.log(`  rnn: ${checked} parameters checked, worst relative error ${worst.toExponential(2)}`);
});

test('LSTM model with dropout between layers: gradients match for every parameter', () => {
  const { checked } = gradcheck({ ...small, cell: 'lstm', dropout: 0.3 });
  assert.ok(checked > 300);
});
