// A fresh model starts as a stock PyTorch module of the same shape does (nn.Embedding, nn.LSTM,
// nn.Linear defaults), which bench/pytorch/train_m.py trains for comparison. A forget-gate bias
// of 1, tried before, trailed PyTorch by 0.1 nats/char per step on model M.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { CharModel } from '../src/core/model/char-model';
import { seededRandom } from '../src/core/math/random';

const V = 60, E = 32, H = 64;

function stats(xs: ArrayLike<number>): { mean: number; std: number; max: number } {
  let sum = 0, sq = 0, max = 0;
  for (let i = 0; i < xs.length; i++) {
    sum += xs[i];
    sq += xs[i] * xs[i];
    max = Math.max(max, Math.abs(xs[i]));
  }
  const mean = sum / xs.length;
  return { mean, std: Math.sqrt(sq / xs.length - mean * mean), max };
}

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} ± ${tolerance}`);
}

test('initialisation draws every parameter from PyTorch\'s default distribution', () => {
  const k = new ReferenceKernels('f32');
  const model = new CharModel(k, { cell: 'lstm', vocabSize: V, embedding: E, hidden: H, layers: 2, dropout: 0 },
    seededRandom(1));
  const values = (name: string) => {
    const p = model.params.get(name);
    return k.heap.slice(p.value, p.value + p.size);
  };
  // nn.Embedding: N(0, 1).
  const emb = stats(values('embedding.table'));
  near(emb.mean, 0, 0.05, 'embedding mean');
  near(emb.std, 1, 0.05, 'embedding std');
  const a = 1 / Math.sqrt(H);
  for (let l = 0; l < 2; l++) {
    // nn.LSTM: weights U(±1/√H) (std a/√3).
    for (const w of ['wIh', 'wHh']) {
      const s = stats(values(`layer${l}.${w}`));
      assert.ok(s.max <= a, `layer${l}.${w} within ±1/√H`);
      near(s.std, a / Math.sqrt(3), 0.02 * a, `layer${l}.${w} std`);
    }
    // bias_ih + bias_hh, each U(±1/√H): within ±2/√H, std a·√(2/3), every gate block centred on 0
    // (no forget-gate bias of 1).
    const b = values(`layer${l}.b`);
    const all = stats(b);
    assert.ok(all.max <= 2 * a, `layer${l}.b within ±2/√H`);
    near(all.std, a * Math.sqrt(2 / 3), 0.15 * a, `layer${l}.b std`);
    ['input', 'forget', 'candidate', 'output'].forEach((gate, g) => {
      near(stats(b.subarray(g * H, (g + 1) * H)).mean, 0, 0.4 * a, `layer${l}.b ${gate} gate mean`);
    });
  }
  // nn.Linear: weight and bias U(±1/√in).
  for (const name of ['dense.w', 'dense.b']) {
    const s = stats(values(name));
    assert.ok(s.max <= a, `${name} within ±1/√H`);
    near(s.std, a / Math.sqrt(3), name === 'dense.b' ? 0.25 * a : 0.03 * a, `${name} std`);
  }
});
