// A small model learns: on a short repetitive text the loss falls far below the uniform
// ln(vocab), and greedy sampling continues the pattern.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab } from '../src/core/data/vocab';
import { splitCorpus } from '../src/core/data/corpus';
import { train } from '../src/core/train/trainer';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import { generate } from '../src/core/sampling/generate';
import { seededRandom } from '../src/core/math/random';
import type { TrainEvent } from '../src/core/train/events';
import { backends } from './backends';

const text = 'the quick brown fox jumps over the lazy dog. '.repeat(80);

for (const cell of ['lstm', 'rnn'] as const) {
  for (const [name, make] of backends()) {
    test(`a small ${cell} learns a repeated sentence (${name})`, async () => {
      const vocab = Vocab.fromText(text);
      const { train: trainText, valid } = splitCorpus(text);
      const events: TrainEvent[] = [];
      const result = await train({
        kernels: make(), vocab, train: trainText, valid,
        model: { cell, embedding: 8, hidden: 32, layers: 1, dropout: 0 },
        config: { ...DEFAULT_TRAIN_CONFIG, batch: 8, seqLen: 32, lr: 1e-2, epochs: 40, validateEvery: 0, patience: 0 },
        onEvent: (e) => events.push(e),
      });
      const uniform = Math.log(vocab.size);
      assert.ok(result.best !== null, 'a validation ran');
      assert.ok(result.best.validLoss < 0.1 * uniform, `valid loss ${result.best.validLoss} vs uniform ${uniform}`);
      const continuation = generate(result.model, vocab, 'the quick ', 30, { kind: 'greedy' }, seededRandom(1));
      assert.equal(continuation, 'brown fox jumps over the lazy ');
      const steps = events.filter((e) => e.kind === 'step');
      assert.ok(steps.length > 0 && steps.every((e) => e.kind === 'step' && e.charsPerSec > 0));
      assert.equal(events.at(-1)?.kind, 'end');
    });
  }
}
