// The panel's extension-side logic, in plain Node: the run history a panel opened mid-training
// catches up from (snapshot, then live messages folded in as the webview does), late messages of
// old runs ignored, failed runs recorded; and the answer to `inspect` from plain inputs (text
// before the cursor, the active model), with every reason there is nothing to show, computed in
// slices sized to the time they take, and given up (never answered) once superseded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab } from '../src/core/data/vocab';
import { CharModel } from '../src/core/model/char-model';
import { inspectLstm } from '../src/core/model/inspect';
import { createKernels } from '../src/core/nn/kernels/select';
import { seededRandom } from '../src/core/math/random';
import type { EndEvent, StepEvent, ValidationEvent } from '../src/core/train/events';
import { applyRunMessage, MAX_STEP_EVENTS, SIGNALS, type RunHistory, type RunMessage } from '../src/protocol/panel';
import {
  answerInSlices, answerInspect, firstSliceChars, INSIDES_CHARS, InspectJob, InspectRequests, lastChars, topNext, unitsToRead,
  type BeginInspection, type InspectAnswer, type InspectEditor, type InspectModel,
} from '../src/extension/panel/insides-request';
import { RunHistoryStore } from '../src/extension/panel/run-history';

function step(n: number): StepEvent {
  return {
    kind: 'step', epoch: 1, step: n, stepsPerEpoch: 100, totalSteps: 100, loss: 3 - n / 100, smoothLoss: 3 - n / 100,
    charsSeen: n * 3200, charsPerSec: 5000, elapsedMs: n * 600, etaMs: (100 - n) * 600,
  };
}

function validation(n: number, loss: number, best: boolean): ValidationEvent {
  return {
    kind: 'validation', epoch: 1, step: n, charsSeen: n * 3200, loss, best, bestLoss: loss, lr: 0.002,
    sample: 'To be', sampleStrategy: 'temperature 0.8',
  };
}

const end: EndEvent = { kind: 'end', reason: 'completed', bestLoss: 2.1, steps: 3, charsSeen: 9600, elapsedMs: 1800 };

test('a panel that joins mid-run gets the history, then live messages, and ends with what the store has', () => {
  const store = new RunHistoryStore();
  const first = store.start('lstm', 'ws');
  store.corpus(first, '2 files, 1,234 chars');
  store.event(first, step(1));
  store.event(first, step(2));

  // The panel opens now: the snapshot, then every live message after it.
  const seen: RunMessage[] = [];
  store.subscribe((m) => seen.push(m));
  const runs: RunHistory[] = store.snapshot();
  assert.equal(runs.length, 1);
  assert.equal(runs[0].events.length, 2);
  assert.equal(runs[0].corpus, '2 files, 1,234 chars');
  assert.equal(runs[0].running, true);

  store.event(first, validation(2, 2.1, true));
  store.event(first, step(3));
  store.event(first, end);
  store.end(first, 'completed');
  const rnn = store.start('rnn', 'ws');
  store.event(rnn, step(1));
  for (const m of seen) applyRunMessage(runs, m);

  assert.deepEqual(runs, store.snapshot());
  assert.deepEqual(runs.map((r) => [r.kind, r.running, r.ended, r.events.length]), [['lstm', false, 'completed', 5], ['rnn', true, undefined, 1]]);
  assert.deepEqual(seen.map((m) => m.type), ['trainEvent', 'trainEvent', 'trainEvent', 'runEnded', 'runStarted', 'trainEvent']);
});

test('an hours-long run is thinned to at most MAX_STEP_EVENTS steps, all validations and the latest step kept, alike on both sides', () => {
  const store = new RunHistoryStore();
  const seen: RunMessage[] = [];
  store.subscribe((m) => seen.push(m));
  const runs: RunHistory[] = [];
  const id = store.start('lstm', 'ws');
  const steps = 21_000; // 88 minutes at 4 steps a second
  for (let n = 1; n <= steps; n++) {
    store.event(id, step(n));
    if (n % 150 === 0) store.event(id, validation(n, 2, false));
  }
  for (const m of seen) applyRunMessage(runs, m);
  const [run] = store.snapshot();
  assert.deepEqual(runs, [run]);
  const kept = run.events.filter((e) => e.kind === 'step');
  assert.ok(kept.length < MAX_STEP_EVENTS, `${kept.length} step events kept`);
  assert.equal(run.events.filter((e) => e.kind === 'validation').length, Math.floor(steps / 150));
  assert.equal((kept.at(-1) as StepEvent).step, steps, 'the latest step is there');
  assert.ok((kept[0] as StepEvent).step < 100, 'and the start of the curve');
  const order = run.events.map((e) => (e as StepEvent | ValidationEvent).step);
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'in order');
});

test('a snapshot does not change with later events', () => {
  const store = new RunHistoryStore();
  const id = store.start('lstm', 'ws');
  const before = store.snapshot();
  store.event(id, step(1));
  assert.equal(before[0].events.length, 0);
  assert.equal(before[0].running, true);
});

test('late messages of a run that has ended or been replaced are ignored, by the store and by the webview', () => {
  const store = new RunHistoryStore();
  const seen: RunMessage[] = [];
  store.subscribe((m) => seen.push(m));
  const old = store.start('lstm', 'ws');
  store.event(old, step(1));
  const next = store.start('rnn', 'ws'); // closes the old one as cancelled
  store.event(old, step(2));
  store.corpus(old, 'late');
  store.end(old, 'completed');
  store.fail(old, 'late failure');
  store.event(next, step(1));
  const runs = store.snapshot();
  assert.deepEqual(runs.map((r) => [r.runId, r.running, r.ended, r.failure, r.events.length, r.corpus]),
    [[old, false, 'cancelled', undefined, 1, 'ws'], [next, true, undefined, undefined, 1, 'ws']]);
  // Nothing of the old run was announced once the new one started (its closing `runEnded` comes just before).
  const fromNext = seen.findIndex((m) => m.type === 'runStarted' && m.runId === next);
  assert.deepEqual(seen.slice(fromNext - 1, fromNext).map((m) => [m.type, m.runId]), [['runEnded', old]]);
  assert.ok(!seen.slice(fromNext).some((m) => m.runId === old));

  // The webview applies the same rules to messages that arrive late.
  const view: RunHistory[] = [];
  for (const m of seen) applyRunMessage(view, m);
  applyRunMessage(view, { type: 'trainEvent', runId: old, event: step(9) });
  applyRunMessage(view, { type: 'runFailed', runId: old, message: 'late' });
  assert.deepEqual(view, runs);
});

test('a failed run is recorded with its message and takes no more events', () => {
  const store = new RunHistoryStore();
  const id = store.start('lstm', 'ws');
  store.fail(id, 'the workspace has too little text to train on (3 characters)');
  store.event(id, step(1));
  const [run] = store.snapshot();
  assert.equal(run.running, false);
  assert.equal(run.failure, 'the workspace has too little text to train on (3 characters)');
  assert.equal(run.events.length, 0);
  const running = () => store.running;
  assert.equal(running(), undefined);
  // A new run after a failure starts cleanly.
  const again = store.start('lstm', 'ws');
  assert.equal(running()?.runId, again);
});

test('the text before the cursor: line ends read as LF, one code point per character, the last 120', () => {
  assert.deepEqual(lastChars('ab\r\ncd\re', true), { chars: ['a', 'b', '\n', 'c', 'd', '\n', 'e'], truncated: false });
  assert.deepEqual(lastChars('x🦊y', true), { chars: ['x', '🦊', 'y'], truncated: false });
  assert.deepEqual(lastChars('', true), { chars: [], truncated: false });
  const long = 'w'.repeat(5000);
  const { chars, truncated } = lastChars(long.slice(long.length - unitsToRead()), false);
  assert.equal(chars.length, INSIDES_CHARS);
  assert.equal(truncated, true);
});

test('reading only unitsToRead() code units before the cursor gives the same characters as reading the whole document', () => {
  const rng = seededRandom(7);
  const pieces = ['a', ' ', '\r\n', '🦊', 'é', '\n', '\r'];
  for (let trial = 0; trial < 200; trial++) {
    let doc = '';
    const n = Math.floor(rng.next() * 400);
    for (let i = 0; i < n; i++) doc += pieces[Math.floor(rng.next() * pieces.length)];
    // A cursor between two units of the document (never inside a pair or a CRLF, as an editor puts it).
    let cursor = Math.floor(rng.next() * (doc.length + 1));
    while (cursor > 0 && cursor < doc.length && ((doc[cursor - 1] === '\r' && doc[cursor] === '\n')
      || (doc.charCodeAt(cursor) >= 0xdc00 && doc.charCodeAt(cursor) <= 0xdfff))) cursor--;
    const start = Math.max(0, cursor - unitsToRead());
    const got = lastChars(doc.slice(start, cursor), start === 0);
    const all = Array.from(doc.slice(0, cursor).replace(/\r\n?/g, '\n'));
    assert.deepEqual(got.chars, all.slice(-INSIDES_CHARS), `trial ${trial}`);
    assert.equal(got.truncated, all.length > INSIDES_CHARS, `trial ${trial}`);
  }
});

const vocab = Vocab.fromText('abcdefghijklmnopqrstuvwxyz .,"\n');
const lstm = new CharModel(createKernels(), { cell: 'lstm', vocabSize: vocab.size, embedding: 8, hidden: 16, layers: 2, dropout: 0 }, seededRandom(1));
const rnn = new CharModel(createKernels(), { cell: 'rnn', vocabSize: vocab.size, embedding: 8, hidden: 16, layers: 1, dropout: 0 }, seededRandom(1));
const editor = (before: string, fromStart = true): InspectEditor => ({ file: 'notes.txt', before, fromStart });

test('inspect: the insides of the chosen layer over the characters before the cursor, and the five likeliest next', () => {
  const answer = answerInspect({ label: 'workspace', model: lstm, vocab }, editor('say "hi"\r\nand'), 1);
  assert.ok(answer.ok);
  const ins = answer.insides;
  assert.deepEqual(ins.chars, Array.from('say "hi"\nand'));
  assert.equal(ins.layer, 1);
  assert.equal(ins.layers, 2);
  assert.equal(ins.hidden, 16);
  assert.equal(ins.model, 'workspace');
  assert.equal(ins.truncated, false);
  const want = inspectLstm(lstm, vocab.encode('say "hi"\nand'), 1);
  for (const s of SIGNALS) {
    assert.equal(ins.values[s].length, ins.chars.length * 16, s);
    assert.deepEqual(ins.values[s], want.values[s], s);
  }
  assert.equal(ins.next.length, 5);
  for (let i = 1; i < 5; i++) assert.ok(ins.next[i - 1].p >= ins.next[i].p, 'most likely first');
  assert.equal(ins.next[0].p, Math.max(...want.next));
  // A layer out of range is clamped rather than failing.
  const clamped = answerInspect({ label: 'w', model: lstm, vocab }, editor('abc'), 7);
  assert.ok(clamped.ok && clamped.insides.layer === 1);
});

test('inspect: a clear reason for each case with nothing to show', () => {
  const model = { label: 'default', model: lstm, vocab };
  assert.deepEqual(answerInspect(null, editor('abc'), 0), { ok: false, why: { reason: 'no-model' } });
  assert.deepEqual(answerInspect(model, null, 0), { ok: false, why: { reason: 'no-editor' } });
  assert.deepEqual(answerInspect(model, editor(''), 0), { ok: false, why: { reason: 'empty', file: 'notes.txt' } });
  assert.deepEqual(answerInspect({ label: 'rnn', model: rnn, vocab }, editor('abc'), 0), { ok: false, why: { reason: 'not-lstm', cell: 'rnn' } });
  const failed = answerInspect(model, editor('abc'), 0, () => {
    throw new Error('out of memory');
  });
  assert.deepEqual(failed, { ok: false, why: { reason: 'failed', message: 'out of memory' } });
});

test('inspect: a file of one very long line sends only the last 120 characters, marked truncated', () => {
  const line = 'abc '.repeat(250_000); // a megabyte on one line
  const before = line.slice(line.length - unitsToRead());
  const answer = answerInspect({ label: 'default', model: lstm, vocab }, editor(before, false), 0);
  assert.ok(answer.ok);
  assert.equal(answer.insides.chars.length, INSIDES_CHARS);
  assert.equal(answer.insides.truncated, true);
  assert.equal(answer.insides.values.cell.length, INSIDES_CHARS * 16);
});

/** The insides of an answer, which must be one with insides. */
function insidesOf(answer: InspectAnswer | null) {
  assert.ok(answer?.ok, `an answer with insides: ${JSON.stringify(answer)}`);
  return answer.insides;
}

const text = 'first citizen.\nbefore we proceed any further, hear me speak.\n\nall.\nspeak, speak.\n\nfirst citizen.\nyou are all resolved rather to die than to famish';
const active: InspectModel = { label: 'workspace', model: lstm, vocab };

test('inspect in slices: the same answer as at once, to the bit, with a pause between slices', async () => {
  const want = insidesOf(answerInspect(active, editor(text), 1));
  for (const firstChars of [1, 7, 128]) {
    const sizes: number[] = [];
    let pauses = 0;
    const answer = await answerInSlices(new InspectJob(active, editor(text), 1), () => true, {
      firstChars, targetMs: 1e9, onSlice: (chars) => sizes.push(chars),
      pause: () => {
        pauses++;
        return new Promise((r) => setImmediate(r));
      },
    });
    const got = insidesOf(answer);
    assert.deepEqual(got, want, `slices from ${firstChars} characters`);
    assert.equal(pauses, sizes.length - 1, 'a pause between every two slices');
    assert.ok(Math.abs(sizes.reduce((a, b) => a + b, 0) - INSIDES_CHARS) < 1e-9, `the slices add up to the ${INSIDES_CHARS} characters`);
    if (firstChars < INSIDES_CHARS) assert.ok(sizes.length > 1, `${sizes.length} slices from ${firstChars}`);
  }
  // Nothing to compute: the answer at once, no slice.
  const sizes: number[] = [];
  assert.deepEqual(await answerInSlices(new InspectJob(active, null, 0), () => true, { onSlice: (c) => sizes.push(c) }),
    { ok: false, why: { reason: 'no-editor' } });
  assert.deepEqual(sizes, []);
});

/**
 * Slice sizes `answerInSlices` picks for a stand-in inspection of 1000 characters on a clock that
 * takes `msPerChar(slice)` per character in each slice.
 */
async function sliceSizes(firstChars: number, msPerChar: (slice: number) => number): Promise<number[]> {
  let clock = 0, progress = 0, slice = 0;
  const begin: BeginInspection = () => ({
    step(maxChars: number) {
      const did = Math.min(maxChars, 1000 - progress);
      progress += did;
      clock += msPerChar(slice++) * did;
      return progress === 1000;
    },
    get progress() {
      return progress;
    },
    result: { values: { input: new Float32Array(0), forget: new Float32Array(0), output: new Float32Array(0), cell: new Float32Array(0) }, next: new Float32Array(vocab.size) },
  });
  const sizes: number[] = [];
  await answerInSlices(new InspectJob(active, editor('abc'), 0, begin), () => true, {
    firstChars, targetMs: 8, now: () => clock, pause: async () => {}, onSlice: (chars) => sizes.push(chars),
  });
  return sizes;
}

test('inspect in slices: each slice is sized from the speed of the one before, changing by 2x at most', async () => {
  assert.deepEqual((await sliceSizes(1, () => 0.5)).slice(0, 7), [1, 2, 4, 8, 16, 16, 16], 'doubling up to what fits in 8 ms');
  assert.deepEqual((await sliceSizes(32, (n) => (n === 0 ? 0.5 : 2))).slice(0, 5), [32, 16, 8, 4, 4],
    'slower (a busy machine): halving down to what fits');
  assert.deepEqual((await sliceSizes(4, () => 100)).slice(0, 4), [4, 2, 1, 1], 'never under one character');
  // Before any is timed: about 5·10^7 multiply-adds' worth.
  const shape = (embedding: number, hidden: number) => ({ cell: 'lstm' as const, vocabSize: 66, embedding, hidden, layers: 2, dropout: 0 });
  assert.equal(firstSliceChars(shape(64, 512)), 15);
  assert.equal(firstSliceChars(shape(64, 256)), 58);
  assert.equal(firstSliceChars(shape(8, 16)), 512);
});

test('inspect requests: a newer request or a cancel gives up the one on its way, which never answers', async () => {
  const slices: number[] = [];
  const requests = new InspectRequests({ firstChars: 4, targetMs: 1e9, onSlice: (chars) => slices.push(chars) });
  const want = insidesOf(answerInspect(active, editor(text), 0));

  // Superseded after its first slice: the first pause lets the second request in.
  const first = requests.answer(new InspectJob(active, editor(text), 1));
  const second = requests.answer(new InspectJob(active, editor(text), 0));
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a, null, 'the superseded request has no answer');
  assert.deepEqual(insidesOf(b), want, 'the newer one is answered in full');
  const charsDone = slices.reduce((x, y) => x + y, 0);
  assert.ok(charsDone < 2 * INSIDES_CHARS, `the superseded one stopped early (${charsDone} characters' worth done in all)`);

  // Cancelled midway (the cursor moved), and one whose model went away.
  const cancelled = requests.answer(new InspectJob(active, editor(text), 0));
  await new Promise((r) => setImmediate(r));
  requests.cancel();
  assert.equal(await cancelled, null, 'cancelled: no answer');
  let current = true;
  const replaced = requests.answer(new InspectJob(active, editor(text), 0), () => current);
  current = false;
  assert.equal(await replaced, null, 'the model changed: no answer');

  // What a panel does with them: posts only answers, so a superseded request never posts.
  const posted: number[] = [];
  const ask = (requestId: number) => requests.answer(new InspectJob(active, editor(text), 0)).then((answer) => {
    if (answer) posted.push(requestId);
  });
  await Promise.all([ask(1), ask(2), ask(3)]);
  assert.deepEqual(posted, [3], 'only the latest request is answered');
  assert.deepEqual([requests.stats.answered, requests.stats.abandoned], [2, 5]);
  assert.match(requests.stats.describe(), /^insides: 2 answered, 5 abandoned, \d+ slices, longest slice [\d.]+ ms$/);
});

test('topNext lists the most likely characters first, ties by id', () => {
  const v = Vocab.fromText('abc');
  assert.deepEqual(topNext([0.1, 0.5, 0.1, 0.3], v, 3), [{ char: 'b', p: 0.5 }, { char: '\uFFFD', p: 0.3 }, { char: 'a', p: 0.1 }]);
});
