// The panel's insides (gates and cell of one LSTM layer, next-character probabilities) against
// a naive step-by-step model in float64, a Stepper, and the state of Steppers around them; run in
// slices (Inspection), the same to the bit however it is sliced and whatever runs between slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kernels } from '../src/core/nn/kernels/kernels';
import { CharModel } from '../src/core/model/char-model';
import type { ModelConfig } from '../src/core/model/config';
import { inspectBlock, inspectLstm, Inspection, INSPECT_MAX_CHARS, NotLstmError, SIGNALS, type InspectResult } from '../src/core/model/inspect';
import { Stepper } from '../src/core/sampling/stepper';
import { softmax } from '../src/core/math/softmax';
import { seededRandom } from '../src/core/math/random';
import { backends, INFERENCE_TOLERANCE } from './backends';
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

/** Bitwise equality (Object.is: -0 and NaN count), naming the first difference. */
function assertSameBits(got: InspectResult, want: InspectResult, what: string): void {
  for (const s of SIGNALS) {
    assert.equal(got.values[s].length, want.values[s].length, `${what}: ${s} length`);
    const at = got.values[s].findIndex((v, n) => !Object.is(v, want.values[s][n]));
    assert.equal(at, -1, `${what}: ${s}[${at}] ${got.values[s][at]} vs ${want.values[s][at]}`);
  }
  const at = got.next.findIndex((v, n) => !Object.is(v, want.next[n]));
  assert.equal(at, -1, `${what}: next[${at}] ${got.next[at]} vs ${want.next[at]}`);
}

/** Runs `inspection` to the end in slices of `maxChars`, calling `between` after each unfinished one; returns the slices. */
function runSliced(inspection: Inspection, maxChars: number, between: (slice: number) => void = () => {}): number {
  let slices = 0;
  for (;;) {
    slices++;
    if (inspection.step(maxChars)) return slices;
    between(slices);
  }
}

for (const [name, make] of backends()) {
  test(`insides of both layers equal a naive step-by-step LSTM, across chunks (${name})`, () => {
    const model = makeModel(make());
    const ids = randomIds(150, 7); // more than one 128-character chunk
    const want = naiveCharLstm(model, ids);
    for (let layer = 0; layer < CONFIG.layers; layer++) {
      const got = inspectLstm(model, ids, layer);
      const trace = want.layers[layer];
      close(got.values.input, trace.i.flat(), INFERENCE_TOLERANCE, `layer ${layer} input`);
      close(got.values.forget, trace.f.flat(), INFERENCE_TOLERANCE, `layer ${layer} forget`);
      close(got.values.output, trace.o.flat(), INFERENCE_TOLERANCE, `layer ${layer} output`);
      close(got.values.cell, trace.c.flat(), INFERENCE_TOLERANCE, `layer ${layer} cell`);
      close(got.next, softmax(want.logits), INFERENCE_TOLERANCE, `layer ${layer} next`);
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

for (const [name, make] of backends()) {
  test(`in slices of 1, 7 or 128 characters, both layers' insides are the one-shot's to the bit (${name})`, () => {
    const model = makeModel(make());
    assert.equal(inspectBlock(CONFIG), 64, 'blocks of 64 for this model');
    // 150: blocks of 64 and 86 → 64, 64, 22; 130: 64 and 66 (a remainder of 2 joins the last block); 3: one block under 4 rows.
    for (const length of [150, 130, 3]) {
      const ids = randomIds(length, 20 + length);
      for (let layer = 0; layer < CONFIG.layers; layer++) {
        const want = inspectLstm(model, ids, layer);
        for (const maxChars of [1, 7, 128]) {
          const inspection = new Inspection(model, ids, layer);
          const slices = runSliced(inspection, maxChars, () => {
            assert.equal(inspection.done, false);
            assert.throws(() => inspection.result, /not done/);
          });
          if (length > 3 && maxChars < length) assert.ok(slices > 1, `${length} chars in slices of ${maxChars}: ${slices} slices`);
          assert.ok(Math.abs(inspection.progress - length) < 1e-9, `progress ends at the length (${inspection.progress})`);
          assertSameBits(inspection.result, want, `${length} chars, layer ${layer}, slices of ${maxChars}`);
          assert.equal(inspection.step(5), true, 'a done inspection stays done');
        }
      }
    }
  });

  test(`a Stepper fed, another inspection and heap growth between slices change neither result (${name})`, () => {
    const model = makeModel(make());
    const ids = randomIds(200, 30), other = randomIds(90, 31), fed = randomIds(170, 32);
    const pieces = Array.from({ length: Math.ceil(fed.length / 13) }, (_, n) => fed.slice(13 * n, 13 * n + 13));
    const want = inspectLstm(model, ids, 1), wantOther = inspectLstm(model, other, 0);
    const alone = new Stepper(model);
    for (const piece of pieces) alone.feed(piece);

    const a = new Inspection(model, ids, 1), b = new Inspection(model, other, 0);
    const stepper = new Stepper(model);
    let next = 0;
    const slices = runSliced(a, 7, (slice) => {
      // Between slices: a piece fed to a Stepper (the inference buffers), now and then a new
      // Stepper (a repack of the same weights), a slice of another inspection, and an allocation
      // that may grow the heap (on wasm, detaching every view of it).
      if (next < pieces.length) stepper.feed(pieces[next++]);
      if (slice % 3 === 0) new Stepper(model);
      b.step(5);
      model.k.alloc(slice === 2 ? 1 << 20 : 64);
    });
    assert.ok(slices > pieces.length, `every piece was fed between slices (${slices} slices)`);
    while (!b.step(11));
    assertSameBits(a.result, want, 'the inspection with things run between its slices');
    assertSameBits(b.result, wantOther, 'the inspection run between its slices');
    assert.deepEqual(stepper.state, alone.state, 'the Stepper fed between slices has the state of one fed alone');
    assert.deepEqual(stepper.logits, alone.logits, 'and its logits');
  });
}

test('blocks: 32 characters for the default 2x512 model, 64 for small ones, fewer for wide ones, never under 4', () => {
  const shape = (embedding: number, hidden: number, layers = 2): ModelConfig => ({ cell: 'lstm', vocabSize: 66, embedding, hidden, layers, dropout: 0 });
  assert.equal(inspectBlock(shape(64, 512)), 32);
  assert.equal(inspectBlock(shape(64, 512, 1)), 64, 'one layer: only the embedding is projected');
  assert.equal(inspectBlock(shape(32, 256)), 64);
  assert.equal(inspectBlock(shape(64, 1024)), 8);
  assert.equal(inspectBlock(shape(64, 4096)), 4);
});

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
