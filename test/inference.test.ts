// The batch-1 inference path (CharModel.infer, Stepper) against the training forward, on every
// kernel backend: the same logits and state after a primed prefix and after single steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kernels } from '../src/core/nn/kernels/kernels';
import { CharModel, INFER_CHUNK } from '../src/core/model/char-model';
import type { ModelConfig } from '../src/core/model/config';
import { Stepper } from '../src/core/sampling/stepper';
import { seededRandom } from '../src/core/math/random';
import { backends, INFERENCE_TOLERANCE } from './backends';

/** Logits and state after feeding `ids` from `state0` with the training forward (`forward` + `carry`). */
function byForward(model: CharModel, ids: number[], state0: Float32Array): { logits: Float32Array; state: Float32Array } {
  const { k } = model;
  const state = model.newState(1);
  const { ids: at } = model.inputs(1, ids.length);
  k.heap.set(state0, state);
  k.heap.set(ids, at);
  const logits = model.forward(1, ids.length, state);
  model.carry(1, ids.length, state);
  const V = model.config.vocabSize, heap = k.heap;
  return {
    logits: Float32Array.from(heap.subarray(logits + (ids.length - 1) * V, logits + ids.length * V)),
    state: Float32Array.from(heap.subarray(state, state + model.stateSize)),
  };
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) {
      assert.fail(`${what}: element ${i} is ${got[i]}, expected ${want[i]} (diff ${Math.abs(got[i] - want[i])})`);
    }
  }
}

// Awkward sizes: 4*hidden not a multiple of the 16-column panels, embedding and vocab odd.
const CONFIGS: [string, ModelConfig][] = [
  ['lstm 2x7', { cell: 'lstm', vocabSize: 13, embedding: 5, hidden: 7, layers: 2, dropout: 0 }],
  ['lstm 3x33, dropout', { cell: 'lstm', vocabSize: 3, embedding: 9, hidden: 33, layers: 3, dropout: 0.3 }],
  ['lstm 1x64', { cell: 'lstm', vocabSize: 66, embedding: 16, hidden: 64, layers: 1, dropout: 0 }],
  ['rnn 2x11', { cell: 'rnn', vocabSize: 10, embedding: 4, hidden: 11, layers: 2, dropout: 0 }],
];

for (const [backend, makeKernels] of backends()) {
  for (const [name, config] of CONFIGS) {
    const tol = INFERENCE_TOLERANCE;

    test(`${backend}, ${name}: a primed prefix (several chunks) and single steps match the training forward`, () => {
      const k: Kernels = makeKernels();
      const model = new CharModel(k, config, seededRandom(3));
      const rng = seededRandom(4);
      const ids = Array.from({ length: 2 * INFER_CHUNK + 37 }, () => Math.floor(rng.next() * config.vocabSize));
      const stepper = new Stepper(model);
      const logits = stepper.feed(ids) as Float32Array;
      const want = byForward(model, ids, new Float32Array(model.stateSize));
      assertClose(logits, want.logits, tol, 'logits after the prefix');
      assertClose(stepper.state, want.state, tol, 'state after the prefix');

      // Single steps from the primed state, each against a one-step forward from the same state.
      for (let s = 0; s < 5; s++) {
        const id = Math.floor(rng.next() * config.vocabSize);
        const before = stepper.state.slice();
        const got = stepper.step(id);
        const one = byForward(model, [id], before);
        assertClose(got, one.logits, tol, `logits after step ${s}`);
        assertClose(stepper.state, one.state, tol, `state after step ${s}`);
      }
    });

    test(`${backend}, ${name}: chunk boundaries do not matter, and a clone continues the same way`, () => {
      const model = new CharModel(makeKernels(), config, seededRandom(5));
      const rng = seededRandom(6);
      const ids = Array.from({ length: INFER_CHUNK + 3 }, () => Math.floor(rng.next() * config.vocabSize));
      const whole = new Stepper(model);
      whole.feed(ids);
      const pieces = new Stepper(model);
      pieces.feed(ids.slice(0, 2));
      const copy = pieces.clone();
      for (const id of ids.slice(2, 9)) pieces.step(id);
      pieces.feed(ids.slice(9));
      assertClose(pieces.logits as Float32Array, whole.logits as Float32Array, tol, 'logits');
      assertClose(pieces.state, whole.state, tol, 'state');
      copy.feed(ids.slice(2));
      assertClose(copy.logits as Float32Array, whole.logits as Float32Array, tol, 'clone logits');
    });
  }

  test(`${backend}: a Stepper made after the weights change reads the new weights`, () => {
    const config = CONFIGS[0][1];
    const model = new CharModel(makeKernels(), config, seededRandom(8));
    const ids = [1, 2, 3, 4, 5, 6];
    new Stepper(model).feed(ids); // builds the inference copies of the old weights
    const { k, params } = model;
    k.scale(params.count, params.values, 0.5);
    const logits = new Stepper(model).feed(ids) as Float32Array;
    assertClose(logits, byForward(model, ids, new Float32Array(model.stateSize)).logits, INFERENCE_TOLERANCE, 'logits');
  });

  test(`${backend}: infer refuses chunks it has no room for`, () => {
    const model = new CharModel(makeKernels(), CONFIGS[0][1], seededRandom(9));
    const state = model.newState(1);
    assert.throws(() => model.infer([], 0, 0, state), RangeError);
    assert.throws(() => model.infer(new Array(INFER_CHUNK + 1).fill(0), 0, INFER_CHUNK + 1, state), RangeError);
  });
}

for (const [backend, makeKernels] of backends()) {
  test(`${backend}: a model that adopts another's inference snapshot infers exactly as that one does; another shape's is refused`, () => {
    const config: ModelConfig = { cell: 'lstm', embedding: 8, hidden: 24, layers: 2, dropout: 0, vocabSize: 11 };
    const a = new CharModel(makeKernels(), config, seededRandom(1));
    const b = new CharModel(makeKernels(), config, seededRandom(2));
    const ids = [1, 4, 2, 9, 3, 3, 7, 0, 5];
    const read = (m: CharModel) => {
      const s = new Stepper(m);
      s.feed(ids);
      return { logits: Array.from(s.logits!), state: Array.from(s.state) };
    };
    const before = a.inferGeneration;
    a.adoptInference(b.inferenceSnapshot());
    assert.ok(a.inferGeneration > before, 'copies elsewhere (a pipelined primer\'s) know the weights changed');
    const s = new Stepper(a, new Float32Array(a.stateSize)); // reads without refreshing
    s.feed(ids);
    assert.deepEqual({ logits: Array.from(s.logits!), state: Array.from(s.state) }, read(b));
    assert.deepEqual(Array.from(a.k.heap.subarray(a.params.values, a.params.values + a.params.count)),
      Array.from(b.k.heap.subarray(b.params.values, b.params.values + b.params.count)), 'and trains from those weights');
    const other = new CharModel(makeKernels(), { ...config, hidden: 16 }, seededRandom(3));
    assert.throws(() => a.adoptInference(other.inferenceSnapshot()), /it is of another model/);
  });
}
