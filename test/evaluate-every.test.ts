// evaluateEvery (what `char-lstm eval` measures with): every character after the first is scored,
// the tails training's `evaluate` leaves out too, each as its stream read on into it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateEvery } from '../src/core/eval/evaluate-every';
import { CharModel } from '../src/core/model/char-model';
import type { ModelConfig } from '../src/core/model/config';
import { seededRandom } from '../src/core/math/random';
import { evaluate } from '../src/core/eval/evaluate';
import { backends } from './backends';

const V = 20;

function randomIds(n: number, seed: number): Int32Array {
  const rng = seededRandom(seed);
  return Int32Array.from({ length: n }, () => Math.floor(rng.next() * V));
}

// [text length, batch, seqLen]: whole windows only; a tail in each stream; a rest after the
// last stream; both; one stream; fewer characters than a window; eval's own shape on 30,002.
const SHAPES: [number, number, number][] = [[101, 4, 5], [103, 4, 7], [102, 4, 5], [30_002, 32, 100], [50, 1, 7], [6, 4, 100]];

for (const [name, kernels, tolerance] of backends().slice(0, 2)) {
  for (const cell of ['lstm', 'rnn'] as const) {
    test(`${name}, ${cell}: every character after the first is scored, each as a batch-1 read of its stream gives it`, async () => {
      const config: ModelConfig = { cell, embedding: 6, hidden: 12, layers: 2, dropout: 0, vocabSize: V };
      const model = new CharModel(kernels(), config, seededRandom(5));
      for (const [n, batch, seqLen] of SHAPES) {
        const ids = randomIds(n, n);
        const probs = new Float64Array(n).fill(NaN);
        const { loss, chars } = await evaluateEvery(model, ids, batch, seqLen, probs);
        assert.equal(chars, n - 1, `${n} chars`);
        assert.ok(Number.isNaN(probs[0]), 'nothing predicts the first character');

        // Where training's evaluate reads, the same numbers.
        const covered = new Float64Array(n).fill(NaN);
        await evaluate(model, ids, batch, seqLen, undefined, covered);
        for (let i = 0; i < n; i++) if (!Number.isNaN(covered[i])) assert.equal(probs[i], covered[i], `position ${i} of ${n}`);

        // Everywhere: stream b, read from its start by one stream in one window, gives the same.
        const B = Math.max(1, Math.min(batch, Math.floor((n - 1) / Math.min(seqLen, n - 1))));
        const L = Math.floor((n - 1) / B);
        for (let b = 0; b < B; b++) {
          const from = b * L, to = b === B - 1 ? n - 1 : (b + 1) * L;
          const alone = new Float64Array(to - from + 1).fill(NaN);
          await evaluate(model, ids.subarray(from, to + 1), 1, to - from, undefined, alone);
          for (let i = from + 1; i <= to; i++) {
            assert.ok(Math.abs(probs[i] - alone[i - from]) < tolerance, `position ${i} of ${n}: ${probs[i]} vs ${alone[i - from]}`);
          }
        }
        let nats = 0;
        for (let i = 1; i < n; i++) nats -= Math.log(probs[i]);
        assert.ok(Math.abs(loss - nats / (n - 1)) < 1e-4, `${n} chars: loss ${loss} vs ${nats / (n - 1)}`);
      }
    });
  }
}

test('fewer than two characters: nothing to score', async () => {
  const model = new CharModel(backends()[0][1](), { cell: 'lstm', embedding: 4, hidden: 4, layers: 1, dropout: 0, vocabSize: V }, seededRandom(1));
  for (const n of [0, 1]) {
    const { loss, chars } = await evaluateEvery(model, randomIds(n, 1), 32, 100);
    assert.equal(chars, 0);
    assert.ok(Number.isNaN(loss));
  }
});
