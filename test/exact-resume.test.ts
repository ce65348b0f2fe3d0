// A run interrupted and resumed from its run checkpoint ends bit for bit where the same run
// uninterrupted ends: weights, Adam's moments, the schedule, every thread's dropout generator and
// carried state, and the data position all come back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab } from '../src/core/data/vocab';
import { train, type TrainOptions } from '../src/core/train/trainer';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import { createKernels } from '../src/core/nn/kernels/select';
import { decodeRunCheckpoint, encodeRunCheckpoint, type RunCheckpoint } from '../src/core/train/run-checkpoint';
import { readFileSync } from 'fs';

const text = readFileSync('test/fixtures/workspace/shakespeare.txt', 'utf8');
const trainText = text.slice(0, 24_000), valid = text.slice(24_000);

function options(over: Partial<TrainOptions> = {}): TrainOptions {
  return {
    kernels: createKernels('wasm'), vocab: Vocab.fromText(text), train: trainText, valid,
    model: { cell: 'lstm', embedding: 8, hidden: 32, layers: 2, dropout: 0.2 },
    // Two threads (a peer with its own dropout generator), the cosine schedule, epochs that end
    // mid-run (states reset) and validations between.
    config: { ...DEFAULT_TRAIN_CONFIG, batch: 8, seqLen: 50, lr: 1e-2, epochs: 3, threads: 2, validateEvery: 7,
      patience: 0, schedule: 'cosine', maxSteps: 150 },
    ...over,
  };
}

/** The run's last checkpoint (after its final validation). */
async function run(over: Partial<TrainOptions>): Promise<{ last: RunCheckpoint; best: Float32Array }> {
  let last: RunCheckpoint | undefined;
  const result = await train(options({ ...over, onCheckpoint: (cp) => { last = cp; } }));
  const { values, count } = result.model.params;
  return { last: last!, best: Float32Array.from(result.model.k.heap.subarray(values, values + count)) };
}

for (const stopAt of [23, 59]) {
  test(`a run stopped after step ${stopAt} and resumed equals the run never stopped`, async () => {
    const whole = await run({});
    assert.equal(whole.last.step, 150);

    const controller = new AbortController();
    let saved: RunCheckpoint | undefined;
    await train(options({
      signal: controller.signal,
      onEvent: (e) => { if (e.kind === 'step' && e.step === stopAt) controller.abort(); },
      onCheckpoint: (cp) => { saved = cp; },
    }));
    // A cancel seen between steps is checkpointed there; one that lands in a validation (step 59
    // ends the first epoch) cuts it short, and the validation's checkpoint before it stands.
    assert.ok(saved && saved.step <= stopAt && saved.step > stopAt - 7, `checkpoint at step ${saved?.step}`);
    // Through the file format, as the command line does.
    const resumed = await run({ resumeFrom: decodeRunCheckpoint(encodeRunCheckpoint(saved!)) });

    assert.equal(resumed.last.step, whole.last.step);
    assert.deepEqual(resumed.last.values, whole.last.values, 'current weights');
    assert.deepEqual(resumed.last.m, whole.last.m, "Adam's first moments");
    assert.deepEqual(resumed.last.states, whole.last.states, 'carried states of both threads');
    assert.deepEqual(resumed.last.rngStates, whole.last.rngStates);
    assert.equal(resumed.last.best?.validLoss, whole.last.best?.validLoss);
    assert.deepEqual(resumed.best, whole.best, 'the best weights the run returns');
  });
}

test('a run checkpoint is refused on another text or with other settings', async () => {
  const controller = new AbortController();
  let saved: RunCheckpoint | undefined;
  await train(options({ signal: controller.signal, onEvent: (e) => { if (e.kind === 'step' && e.step === 5) controller.abort(); },
    onCheckpoint: (cp) => { saved = cp; } }));
  await assert.rejects(train(options({ resumeFrom: saved, train: trainText.slice(1) })), /another text or with other settings/);
  const other = options();
  await assert.rejects(train({ ...other, resumeFrom: saved, config: { ...other.config, lr: 5e-3 } }), /another text or with other settings/);
});
