// Training on two threads computes the same steps as on one: each thread takes a share of the
// batch's streams, and the weighted sum of their gradients is the whole batch's gradient.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Vocab } from '../src/core/data/vocab';
import { splitCorpus } from '../src/core/data/corpus';
import { train } from '../src/core/train/trainer';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import { splitStreams, PeerThreads } from '../src/core/train/peer-threads';
import { createKernels } from '../src/core/nn/kernels/select';
import type { StartEvent, StepEvent } from '../src/core/train/events';

const text = readFileSync(join(__dirname, 'fixtures', 'workspace', 'shakespeare.txt'), 'utf8');

async function run(threads: number) {
  const vocab = Vocab.fromText(text);
  const { train: trainText, valid } = splitCorpus(text);
  const k = createKernels('wasm');
  const steps: StepEvent[] = [];
  let start: StartEvent | undefined;
  const result = await train({
    kernels: k, vocab, train: trainText, valid,
    model: { cell: 'lstm', embedding: 16, hidden: 48, layers: 2, dropout: 0 },
    config: { ...DEFAULT_TRAIN_CONFIG, batch: 10, seqLen: 40, epochs: 1, threads, validateEvery: 0, patience: 0 },
    onEvent: (e) => {
      if (e.kind === 'step') steps.push(e);
      if (e.kind === 'start') start = e;
    },
  });
  const { values, count } = result.model.params;
  return { params: k.heap.slice(values, values + count), losses: steps.map((s) => s.loss), start, result };
}

test('streams are shared out evenly, the lead first, at least 4 a thread, wasm only', () => {
  assert.deepEqual(splitStreams(32, 2, 'wasm'), [16, 16]);
  assert.deepEqual(splitStreams(10, 3, 'wasm'), [5, 5]);
  assert.deepEqual(splitStreams(13, 3, 'wasm'), [5, 4, 4]);
  assert.deepEqual(splitStreams(3, 2, 'wasm'), [3]);
  assert.deepEqual(splitStreams(32, 2, 'reference-f32'), [32]);
});

test('two threads train the same model as one, step for step', async () => {
  const one = await run(1);
  const two = await run(2);
  assert.equal(one.start?.threads, 1);
  assert.equal(two.start?.threads, 2);
  assert.ok(one.losses.length >= 5, `${one.losses.length} steps`);
  assert.equal(two.losses.length, one.losses.length);
  one.losses.forEach((l, i) => assert.ok(Math.abs(l - two.losses[i]) < 1e-4, `step ${i + 1}: ${l} vs ${two.losses[i]}`));
  let worst = 0;
  one.params.forEach((p, i) => { worst = Math.max(worst, Math.abs(p - two.params[i])); });
  assert.ok(worst < 1e-3, `largest parameter difference ${worst}`);
  assert.ok(two.result.best !== null && Math.abs(two.result.best.validLoss - one.result.best!.validLoss) < 1e-3);
});

test('a peer that cannot build its replica fails the start with a clear message', async () => {
  const k = createKernels('wasm');
  await assert.rejects(PeerThreads.start(k, {
    model: { cell: 'lstm', embedding: 0, hidden: 8, layers: 1, dropout: 0, vocabSize: 5 },
    shares: [4, 4], seqLen: 8, seed: 1, paramCount: 100,
  }), /a training thread failed: .*embedding/);
});
