// DocumentStates: per-document model state that follows typing at one step per character and
// always equals what priming the window's text from scratch would give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab } from '../src/core/data/vocab';
import { CharModel } from '../src/core/model/char-model';
import { createKernels } from '../src/core/nn/kernels/select';
import { seededRandom } from '../src/core/math/random';
import { Stepper } from '../src/core/sampling/stepper';
import { DocumentStates, encodeForModel } from '../src/completion';
import { INFERENCE_TOLERANCE } from './backends';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz     .,()\n';
const vocab = Vocab.fromText(ALPHABET + 'é🦊');
const model = new CharModel(createKernels(), {
  cell: 'lstm', vocabSize: vocab.size, embedding: 8, hidden: 16, layers: 2, dropout: 0,
}, seededRandom(1));

/** `n` code units of pseudo-random text, the same for the same seed. */
function doc(n: number, seed = 1): string {
  const rng = seededRandom(seed);
  let s = '';
  while (s.length < n) s += ALPHABET[Math.floor(rng.next() * ALPHABET.length)];
  return s;
}

/** The window start DocumentStates is documented to use. */
function anchorOf(offset: number, window = 2048): number {
  return Math.max(0, (Math.floor(offset / window) - 1) * window);
}

function fromScratch(text: string, offset: number): Stepper {
  const s = new Stepper(model);
  s.feed(encodeForModel(vocab, text.slice(anchorOf(offset), offset)));
  return s;
}

function assertSameState(got: Stepper, want: Stepper, what: string): void {
  const diff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
  assert.ok(diff(got.state, want.state) < INFERENCE_TOLERANCE, `${what}: state differs by ${diff(got.state, want.state)}`);
  assert.ok(got.logits && want.logits, `${what}: logits present`);
  assert.ok(diff(got.logits, want.logits) < INFERENCE_TOLERANCE, `${what}: logits differ by ${diff(got.logits, want.logits)}`);
}

/** Runs `f` and returns how many model steps it cost. */
function cost(states: DocumentStates, f: () => void): number {
  const before = states.stats.stepsRun;
  f();
  return states.stats.stepsRun - before;
}

test('typing one character after priming costs one model step', () => {
  const states = new DocumentStates(model, vocab);
  let text = doc(1000);
  assert.equal(cost(states, () => states.stateAt('a', text, 600)), 600);
  text = text.slice(0, 600) + 'x' + text.slice(600);
  const restarts = states.stats.restarts;
  let got!: Stepper;
  assert.equal(cost(states, () => { got = states.stateAt('a', text, 601); }), 1);
  assert.equal(states.stats.restarts, restarts);
  assertSameState(got, fromScratch(text, 601), 'after typing');
});

test('the state after typing character by character equals priming the same text at once', () => {
  const states = new DocumentStates(model, vocab);
  const typed = doc(700, 2);
  let text = '';
  for (let i = 0; i < typed.length; i++) {
    text += typed[i];
    states.stateAt('a', text, text.length);
  }
  assert.equal(states.stats.stepsRun, 700);
  assertSameState(states.stateAt('a', text, text.length), fromScratch(text, text.length), 'typed vs primed');
});

test('an edit near the end of a 3,000-character document restarts from a checkpoint', () => {
  const states = new DocumentStates(model, vocab);
  const text = doc(3000);
  states.stateAt('a', text, 3000);
  const edited = text.slice(0, 2900) + 'zz' + text.slice(2901);
  const restarts = states.stats.restarts;
  let got!: Stepper;
  const steps = cost(states, () => { got = states.stateAt('a', edited, 3001); });
  assert.ok(steps < 300, `${steps} steps`);
  assert.equal(states.stats.restarts, restarts + 1);
  assertSameState(got, fromScratch(edited, 3001), 'after the edit');
});

test('an edit at the start of the window re-reads it and matches priming from scratch', () => {
  const states = new DocumentStates(model, vocab);
  const text = doc(3000);
  states.stateAt('a', text, 3000);
  const edited = 'q' + text.slice(1);
  let got!: Stepper;
  assert.equal(cost(states, () => { got = states.stateAt('a', edited, 3000); }), 3000);
  assert.equal(states.stats.restarts, 1);
  assertSameState(got, fromScratch(edited, 3000), 'after the edit');
});

test('moving the cursor backwards and forwards again gives the right states cheaply', () => {
  const states = new DocumentStates(model, vocab);
  const text = doc(3000);
  states.stateAt('a', text, 3000);
  let got!: Stepper;
  const back = cost(states, () => { got = states.stateAt('a', text, 1500); });
  assert.ok(back < 256, `${back} steps back`);
  assertSameState(got, fromScratch(text, 1500), 'moved back');
  const forward = cost(states, () => { got = states.stateAt('a', text, 2990); });
  assert.ok(forward < 256, `${forward} steps forward (from the checkpoint at 2816)`);
  assertSameState(got, fromScratch(text, 2990), 'moved forward');
  // Where the suggest widget looks: a few characters back from where the user types.
  states.stateAt('a', text, 2995);
  assert.equal(cost(states, () => { got = states.stateAt('a', text, 2990); }), 0);
  assertSameState(got, fromScratch(text, 2990), 'recent state');
  assert.equal(cost(states, () => states.stateAt('a', text, 2996)), 1, 'the head stayed at 2995');
});

test('the first request in a 1 MB document costs at most 2*windowChars steps', () => {
  const states = new DocumentStates(model, vocab);
  const text = doc(1_000_000, 3);
  for (const offset of [1_000_000, 524_288, 999_999 - 2048]) {
    states.clear();
    let got!: Stepper;
    const steps = cost(states, () => { got = states.stateAt('big', text, offset); });
    assert.ok(steps >= 2048 && steps < 4096, `${steps} steps at ${offset}`);
    assertSameState(got, fromScratch(text, offset), `at ${offset}`);
  }
});

test('crossing a window boundary starts afresh at the new anchor; crossing back is free', () => {
  const states = new DocumentStates(model, vocab);
  const text = doc(5000);
  states.stateAt('a', text, 4095);
  let got!: Stepper;
  const steps = cost(states, () => { got = states.stateAt('a', text, 4096); });
  assert.equal(steps, 2048, 'from 2048 to 4096');
  assertSameState(got, fromScratch(text, 4096), 'new window');
  // Back and forth over the boundary: each side's window is kept.
  assert.equal(cost(states, () => { got = states.stateAt('a', text, 4095); }), 0);
  assertSameState(got, fromScratch(text, 4095), 'old window');
  assert.equal(cost(states, () => states.stateAt('a', text, 4097)), 1);
});

test('the returned state is the caller\'s: stepping it does not change the cache', () => {
  const states = new DocumentStates(model, vocab);
  const text = doc(500);
  const first = states.stateAt('a', text, 500);
  first.step(vocab.id('x'));
  first.state.fill(7);
  assertSameState(states.stateAt('a', text, 500), fromScratch(text, 500), 'cache intact');
});

test('astral characters and CRLF line ends, also across checkpoints, match priming from scratch', () => {
  const states = new DocumentStates(model, vocab, { checkpointChars: 16 });
  let text = '';
  for (let i = 0; i < 60; i++) text += `${doc(13, i)}🦊é\r\n`;
  for (let at = 1; at <= text.length; at++) states.stateAt('a', text, at);
  assertSameState(states.stateAt('a', text, text.length), fromScratch(text, text.length), 'typed');
  const edited = text.slice(0, 500) + '🦊\r\n' + text.slice(500);
  assertSameState(states.stateAt('a', edited, edited.length), fromScratch(edited, edited.length), 'edited');
  assert.ok(states.stats.stepsRun < 2 * text.length);
});

test('offset 0 has no logits; an offset outside the document throws', () => {
  const states = new DocumentStates(model, vocab);
  assert.equal(states.stateAt('a', 'abc', 0).logits, null);
  assert.throws(() => states.stateAt('a', 'abc', 4), RangeError);
  assert.throws(() => states.stateAt('a', 'abc', 1.5), RangeError);
});

test('least recently used documents are evicted; forget and clear drop states', () => {
  const states = new DocumentStates(model, vocab, { maxDocuments: 2 });
  const texts = { a: doc(100, 1), b: doc(100, 2), c: doc(100, 3) };
  const ask = (k: 'a' | 'b' | 'c') => cost(states, () => states.stateAt(k, texts[k], 100));
  assert.deepEqual([ask('a'), ask('b'), ask('a'), ask('c')], [100, 100, 0, 100]);
  assert.equal(states.size, 2);
  assert.equal(ask('b'), 100, 'b was the least recently used');
  assert.equal(ask('c'), 0);
  states.forget('c');
  assert.equal(ask('c'), 100);
  states.clear();
  assert.equal(states.size, 0);
  assert.equal(ask('c'), 100);
});
