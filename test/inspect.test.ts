// The panel's insides (gates and cell of one LSTM layer, next-character probabilities) against
// a naive step-by-step model in float64, a Stepper, and the state of Steppers around them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kernels } from '../src/core/nn/kernels/kernels';
import { CharModel } from '../src/core/model/char-model';
import type { ModelConfig } from '../src/core/model/config';
import { inspectLstm, INSPECT_MAX_CHARS, NotLstmError, SIGNALS } from '../src/core/model/inspect';
import { Stepper } from '../src/core/sampling/stepper';
import { softmax } from '../src/core/sampling/softmax';
import { seededRandom } from '../src/core/sampling/random';
import { backends } from './backends';
import { naiveCharLstm } from './naive-char-lstm';

const CONFIG: ModelConfig = { cell: 'lstm', vocabSize: 13, embedding: 5, hidden: 9, layers: 2, dropout: 0.3 };

/** A model with weights in [-0.8, 0.8]: larger than the initialisation, so some gates saturate. */
function makeModel(k: Kernels, config = CONFIG, seed = 3): CharModel {
  const model = new CharModel(k, config, seededRandom(seed));
  const rng = seededRandom(seed + 1), heap = k.heap;
  for (const p of model.params.list) {
    for (let n = 0; n < p.size; n++) heap[p.value + n] = (rng.next() * 2 - 1) * 0.8;
  }
  return model;
}

function randomIds(n: number, seed: number): number[] {
  const rng = seededRandom(seed);
  return Array.from({ length: n }, () => Math.floor(rng.next() * CONFIG.vocabSize));
}

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let n = 0; n < want.length; n++) {
    assert.ok(Math.abs(got[n] - want[n]) <= tol, `${what}[${n}]: ${got[n]} vs ${want[n]}`);
  }
};

for (const [name, make] of backends()) {
  test(`insides of both layers equal a naive step-by-step LSTM, across chunks (${name})`, () => {
    const model = makeModel(make());
    const ids = randomIds(150, 7); // more than one 128-character chunk
    const want = naiveCharLstm(model, ids);
    for (let layer = 0; layer < CONFIG.layers; layer++) {
      const got = inspectLstm(model, ids, layer);
      const trace = want.layers[layer];
      close(got.values.input, trace.i.flat(), 1e-5, `layer ${layer} input`);
      close(got.values.forget, trace.f.flat(), 1e-5, `layer ${layer} forget`);
      close(got.values.output, trace.o.flat(), 1e-5, `layer ${layer} output`);
      close(got.values.cell, trace.c.flat(), 1e-5, `layer ${layer} cell`);
      close(got.next, softmax(want.logits), 1e-5, `layer ${layer} next`);
    }
  });

  test(`gates lie in (0, 1), cells are unbounded, next sums to 1 (${name})`, () => {
    const model = makeModel(make());
    const ids = randomIds(60, 8);
    let maxCell = 0;
    for (let layer = 0; layer < CONFIG.layers; layer++) {
      const { values, next } = inspectLstm(model, ids, layer);
      for (const s of SIGNALS) assert.equal(values[s].length, ids.length * CONFIG.hidden, `${s} is [time, hidden]`);
      for (const s of ['input', 'forget', 'output'] as const) {
        for (const v of values[s]) assert.ok(v > 0 && v < 1, `${s} ${v}`);
      }
      for (const v of values.cell) maxCell = Math.max(maxCell, Math.abs(v));
      assert.ok(Math.abs(next.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    }
    assert.ok(maxCell > 1, `a cell leaves (-1, 1), as gates cannot: max |c| ${maxCell}`);
  });

  test(`next is the softmax of what a Stepper fed the same ids gives (${name})`, () => {
    const model = makeModel(make());
    const ids = randomIds(200, 9);
    const logits = new Stepper(model).feed(ids) as Float32Array;
    close(inspectLstm(model, ids, 0).next, softmax(logits), 1e-6, 'next');
  });

  test(`inspecting leaves a primed Stepper's next step as it was (${name})`, () => {
    const model = makeModel(make());
    const stepper = new Stepper(model);
    stepper.feed(randomIds(40, 10));
    const want = stepper.clone().step(4).slice();
    inspectLstm(model, randomIds(300, 11), 1);
    assert.deepEqual(stepper.step(4), want);
  });

  test(`inspecting a model no Stepper has run yet changes nothing a Stepper computes later (${name})`, () => {
    const inspected = makeModel(make()), untouched = makeModel(make());
    inspectLstm(inspected, randomIds(50, 12), 0);
    const ids = randomIds(70, 13);
    assert.deepEqual(new Stepper(inspected).feed(ids), new Stepper(untouched).feed(ids));
  });
}

test('no characters: empty insides and the model\'s prediction for a first character', () => {
  const [, make] = backends()[0];
  const model = makeModel(make());
  const { values, next } = inspectLstm(model, [], 1);
  for (const s of SIGNALS) assert.equal(values[s].length, 0);
  const bias = model.params.get('dense.b');
  close(next, softmax(model.k.heap.subarray(bias.value, bias.value + CONFIG.vocabSize)), 1e-6, 'next');
});

test('an RNN model is refused with an error saying the view needs an LSTM', () => {
  const [, make] = backends()[1];
  const model = new CharModel(make(), { ...CONFIG, cell: 'rnn' }, seededRandom(1));
  assert.throws(() => inspectLstm(model, [1, 2, 3], 0), (e: unknown) =>
    e instanceof NotLstmError && e.cell === 'rnn' && /needs an LSTM/.test(e.message));
});

test('too many characters, a layer out of range or an id out of the vocabulary is a RangeError', () => {
  const [, make] = backends()[1];
  const model = makeModel(make());
  assert.doesNotThrow(() => inspectLstm(model, randomIds(INSPECT_MAX_CHARS, 1), 0));
  assert.throws(() => inspectLstm(model, randomIds(INSPECT_MAX_CHARS + 1, 1), 0), RangeError);
  assert.throws(() => inspectLstm(model, [1], 2), RangeError);
  assert.throws(() => inspectLstm(model, [1], -1), RangeError);
  assert.throws(() => inspectLstm(model, [1, CONFIG.vocabSize], 0), RangeError);
  assert.throws(() => inspectLstm(model, [1.5], 0), RangeError);
});
