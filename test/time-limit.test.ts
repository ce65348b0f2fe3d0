// A run stopped by its time limit validates the steps it trained since the last validation, so a
// short budget still keeps its best weights and reports a validation loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab } from '../src/core/data/vocab';
import { train } from '../src/core/train/trainer';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import type { TrainEvent, ValidationEvent } from '../src/core/train/events';
import { createKernels } from '../src/core/nn/kernels/select';

test('the time limit ends the run with a validation of its last steps', async () => {
  const text = 'the quick brown fox jumps over the lazy dog. '.repeat(4000);
  const events: TrainEvent[] = [];
  const result = await train({
    kernels: createKernels('wasm'), vocab: Vocab.fromText(text), train: text, valid: text.slice(0, 2000),
    model: { cell: 'lstm', embedding: 8, hidden: 64, layers: 1, dropout: 0 },
    // One epoch of 4,500 steps, validated only at its end: the budget (0.3 s) ends it first.
    config: { ...DEFAULT_TRAIN_CONFIG, batch: 4, seqLen: 10, epochs: 1, validateEvery: 0, maxMinutes: 0.005 },
    onEvent: (e) => events.push(e),
  });
  const end = events.at(-1);
  assert.equal(end?.kind, 'end');
  assert.equal(result.end.reason, 'time-limit');
  const validations = events.filter((e): e is ValidationEvent => e.kind === 'validation');
  assert.equal(validations.length, 1, 'one validation, after the budget');
  assert.equal(validations[0].step, result.end.steps, 'it validates the weights the budget ended with');
  const start = events[0];
  assert.ok(start.kind === 'start' && result.end.steps > 0 && result.end.steps < start.stepsPerEpoch, `${result.end.steps} steps`);
  assert.equal(result.best?.validLoss, validations[0].loss, 'and keeps them as the best');
});
