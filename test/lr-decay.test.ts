// The learning rate halves after each validation that brings no new best, and the run's
// checkpoint is still the best one seen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab } from '../src/core/data/vocab';
import { train } from '../src/core/train/trainer';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import { seededRandom } from '../src/core/math/random';
import type { ValidationEvent } from '../src/core/train/events';
import { createKernels } from '../src/core/nn/kernels/select';

/** Random letters: nothing carries over to the held-out part, so validation soon stops improving. */
function noise(n: number, seed: number): string {
  const rng = seededRandom(seed);
  let s = '';
  for (let i = 0; i < n; i++) s += 'abcdefgh'[Math.floor(rng.next() * 8)];
  return s;
}

test('each validation without a new best multiplies the learning rate by lrDecay', async () => {
  const trainText = noise(3000, 1), valid = noise(600, 2);
  const lr = 2e-2, lrDecay = 0.5;
  const validations: ValidationEvent[] = [];
  const result = await train({
    kernels: createKernels('wasm'), vocab: Vocab.fromText(trainText + valid), train: trainText, valid,
    model: { cell: 'lstm', embedding: 8, hidden: 64, layers: 1, dropout: 0 },
    config: { ...DEFAULT_TRAIN_CONFIG, batch: 4, seqLen: 25, lr, lrDecay, epochs: 12, validateEvery: 0, patience: 0 },
    onEvent: (e) => { if (e.kind === 'validation') validations.push(e); },
  });
  let misses = 0;
  for (const v of validations) {
    if (!v.best) misses++;
    assert.equal(v.lr, lr * lrDecay ** misses, `validation at step ${v.step}`);
  }
  assert.ok(misses >= 2, `the model overfits noise, so some validations bring no new best (${misses})`);
  assert.equal(result.best?.validLoss, Math.min(...validations.map((v) => v.loss)));
});
